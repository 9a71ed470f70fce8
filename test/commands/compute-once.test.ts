/**
 * A command computes once: `/liqs` builds its summary once and its chart draws that summary; `/levels` reads one
 * level status and one liquidation-map estimate, shown by both the reply and its chart, and no 24h summary for
 * its coverage line.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { createChartService } from '../../src/charts/service.js';
import type { LevelsChartInput, LiqsChartInput } from '../../src/charts/types.js';
import * as liqmap from '../../src/core/liqmap.js';
import type { Market } from '../../src/core/market.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

// The estimator counted wherever it is called from (the command, the chart inputs).
vi.mock(import('../../src/core/liqmap.js'), async (original) => {
  const real = await original();
  return { ...real, estimateLiqMap: vi.fn(real.estimateLiqMap) };
});

let market: Market;
let services: Services;
const drawn: { liqs: LiqsChartInput[]; levels: LevelsChartInput[] } = { liqs: [], levels: [] };
beforeAll(async () => {
  market = (await runFile(BUNDLED, loadConfig())).market;
  const png = { png: new Uint8Array([1]) };
  const charts = createChartService(() => market, {
    renderLiqs: async (input) => (drawn.liqs.push(input), png),
    renderLevels: async (input) => (drawn.levels.push(input), png),
  });
  services = createServices({ config: loadConfig(), market, store: createMemoryStore(), charts, now: () => market.clock });
});

let queries: { summary: number; levelStatus: number };
beforeEach(() => {
  vi.restoreAllMocks();
  vi.mocked(liqmap.estimateLiqMap).mockClear();
  queries = { summary: 0, levelStatus: 0 };
  const summary = market.summary.bind(market);
  const levelStatus = market.levelStatus.bind(market);
  vi.spyOn(market, 'summary').mockImplementation((...a) => (queries.summary++, summary(...a)));
  vi.spyOn(market, 'levelStatus').mockImplementation((...a) => (queries.levelStatus++, levelStatus(...a)));
});

const ask = (line: string) =>
  runCommandLine(line, { chat: { key: 'telegram:-100', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: market.clock, services });

describe('a command computes once', () => {
  it('/liqs eth builds one summary, and its chart draws that summary', async () => {
    const reply = await ask('/liqs eth 24h');
    await reply.image!.render();
    expect(queries.summary).toBe(1);
    const summary = vi.mocked(market.summary).mock.results[0]!.value as ReturnType<Market['summary']>;
    expect(drawn.liqs.at(-1)!.totals).toEqual({ longUsd: summary.longUsd, shortUsd: summary.shortUsd, totalUsd: summary.totalUsd });
  });

  it('/levels eth reads one level status and one estimate for the reply and its chart, and no 24h summary', async () => {
    const reply = await ask('/levels eth');
    await reply.image!.render();
    expect(queries).toEqual({ summary: 0, levelStatus: 1 });
    expect(liqmap.estimateLiqMap).toHaveBeenCalledTimes(1);
    expect(drawn.levels.at(-1)!.liqMap?.length).toBeGreaterThan(0);
  });
});
