/**
 * A live bot with no liquidation feed never claims a quiet market: started with `exchanges: []`, or a scaled-out gateway
 * no ingest process has reported to (or whose ingest processes watch no exchange), `/liqs`, `/liqs all`, the chart and
 * `/status` say what is known instead. A file (offline) keeps its plain sentence: there the file is the whole source.
 */
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { buildConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { Gateway, type GatewayOptions } from '../../src/bus/gateway.js';
import { liqsChartInput } from '../../src/charts/inputs.js';
import { Market } from '../../src/core/market.js';
import { loadFile, runFile } from '../../src/offline.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { writeEvents } from '../helpers.js';

const T = Date.UTC(2026, 1, 2, 12, 0);
const H = 3_600_000;
const QUIET = /No (ETH )?liquidations in the last/;

/** The embedded bot as `liqbot start` builds it with `exchanges: []`: live, no feed ever reports. */
function noExchangeBot(): { config: Config; market: Market } {
  const config = buildConfig({ exchanges: [], assets: ['ETH'] });
  const market = new Market(config);
  market.live = true;
  market.catchUp(T);
  return { config, market };
}

async function ask(services: Services, line: string): Promise<Reply> {
  const ctx: CommandContext = { chat: { key: 'telegram:-1', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T, services };
  return runCommandLine(line, ctx);
}

const servicesOf = ({ config, market }: { config: Config; market: Market }): Services => createServices({ config, market, store: createMemoryStore(), now: () => T });

describe('a live bot started with no exchange', () => {
  it('answers /liqs eth that it has no liquidation data because no exchange is configured', async () => {
    const t = replyText(await ask(servicesOf(noExchangeBot()), '/liqs eth'));
    expect(t).toContain('No liquidation data: no exchange is configured (config `exchanges` is empty).');
    expect(t).not.toMatch(QUIET);
  });

  it('answers /liqs all the same', async () => {
    const t = replyText(await ask(servicesOf(noExchangeBot()), '/liqs all'));
    expect(t).toContain('No liquidation data: no exchange is configured (config `exchanges` is empty).');
    expect(t).not.toMatch(QUIET);
  });

  it('answers /oi eth that no exchange is configured, not that "the data" holds none', async () => {
    const t = replyText(await ask(servicesOf(noExchangeBot()), '/oi eth'));
    expect(t).toContain('No open interest or funding: no exchange is configured (config `exchanges` is empty).');
    expect(t).not.toContain('The data holds');
  });

  it("says it on the /liqs chart instead of an empty window's note", () => {
    const { market } = noExchangeBot();
    expect(liqsChartInput(market, market.summary('ETH', '24h', 24 * H)).noData).toBe('No liquidation data: no exchange configured');
  });

  it('says on /status that no exchange is configured, not that a scaled-out feed has yet to report', async () => {
    const t = replyText(await ask(servicesOf(noExchangeBot()), '/status'));
    expect(t).toContain('Liquidation feeds\nNone: no exchange is configured (config `exchanges` is empty), so no liquidation or price data comes in.');
    expect(t).not.toContain('No feed has reported');
  });

  it('offers no "Liquidations 24h" button under /levels: that answer would be "No liquidation data"', async () => {
    const bot = noExchangeBot();
    // What the store brought back at start: a level and a price.
    bot.market.ingest({ type: 'price', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: T - H, price: 2_500 });
    bot.market.ingest({ type: 'level', ts: T - H, asset: 'ETH', level: 2_400 });
    const r = await ask(servicesOf(bot), '/levels eth');
    expect(replyText(r)).toContain('$2,400');
    expect(r.buttons?.map((b) => b.label) ?? []).not.toContain('Liquidations 24h');
  });
});

describe('a scaled-out gateway', () => {
  // Never reached: the batches are applied to its follower here, and no command publishes.
  const bus = {} as GatewayOptions['bus'];
  const gateway = () => new Gateway({ bus, config: buildConfig({ assets: ['ETH'] }), id: 'gw-test', now: () => T });

  it('before any ingest process has reported, says so rather than a quiet market', async () => {
    const g = gateway();
    expect(replyText(await ask(g.services, '/liqs eth'))).toContain('No liquidation data yet: no ingest process has reported.');
    expect(replyText(await ask(g.services, '/liqs all'))).toContain('No liquidation data yet: no ingest process has reported.');
  });

  it('where the ingest processes that report watch no exchange, says that', async () => {
    const g = gateway();
    g.follower.apply({ seq: 1, subject: 'mkt._feeds.status', events: [], invalid: 0, synthetic: false, live: true, feeds: { instance: 'ingest-1', at: T, feeds: [] }, ack: () => undefined });
    g.follower.drain();
    const t = replyText(await ask(g.services, '/liqs eth'));
    expect(t).toContain('No liquidation data: no ingest process watches an exchange.');
    expect(replyText(await ask(g.services, '/status'))).toContain('None: the ingest processes that report watch no exchange.');
  });
});

describe('offline, with no exchange configured', () => {
  it('a file read as the live feeds bring it keeps the plain sentence: the file is the whole source', async () => {
    const path = writeEvents(Array.from({ length: 40 }, (_, i) => ({ type: 'liquidation', ts: T - 2 * H + i * 3 * 60_000, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 80_000, amount: 0.5, usd: 40_000 })));
    const config = buildConfig({ exchanges: [], assets: ['BTC', 'ETH'] });
    const run = await runFile(await loadFile(path), config, { configuredAssets: true, until: T });
    expect(run.market.configuredOnly).toBe(true);
    // BTC's prints cover the last 2h: the file was recording, and ETH had none.
    const t = replyText(await ask(servicesOf({ config, market: run.market }), '/liqs eth 1h'));
    expect(t).toContain('No ETH liquidations in the last 1h.');
  });

  it('a market no feed was ever meant to feed (not live) keeps it too', async () => {
    const config = buildConfig({ exchanges: [], assets: ['ETH'] });
    const market = new Market(config);
    market.catchUp(T);
    expect(replyText(await ask(servicesOf({ config, market }), '/liqs eth'))).toContain('No ETH liquidations in the last 24h.');
  });
});
