/**
 * A configured asset that no watched exchange lists (a typo, `assets: [BTC, ETJ]`) is said once at start, at warn, once
 * every venue's market list has loaded, with the nearest coins the venues do list; an asset one venue lists is not. A
 * venue that gives up without a list leaves the others to decide.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/log.js';
import { startFeeds, type Feeds } from '../../src/feeds/index.js';
import { BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { closedPort } from '../fakes/leverage/server.js';
import { FAST_BACKOFF, MemorySink, testConfig, waitFor } from './helpers.js';

/** Every log line the feeds write, kept in memory instead of going to stderr. */
const lines = vi.hoisted(() => [] as { ns: string; level: string; msg: string }[]);
vi.mock(import('../../src/log.js'), async (original) => ({
  ...(await original()),
  logger: (ns: string) => {
    const at = (level: string) => (_fields: object, msg: string) => void lines.push({ ns, level, msg });
    return { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error') } as unknown as Logger;
  },
}));

let feeds: Feeds | undefined;
afterEach(async () => {
  await feeds?.stop();
  feeds = undefined;
  lines.length = 0;
});

const warnings = () => lines.filter((l) => l.level === 'warn' && /perpetual swap on none/.test(l.msg)).map((l) => `${l.ns}: ${l.msg}`);

it('says once, at warn, the asset no venue lists, with the coin it was likely meant to be; not one a venue lists', async () => {
  // Bybit lists BTC and ETH; OKX lists SOL too: SOL is followed there, ETJ nowhere.
  const ws = (await closedPort()).replace('http', 'ws');
  const sink = new MemorySink();
  // Where the operator watches (the terminal prompt logs errors only), the same line.
  const notices: string[] = [];
  Object.assign(sink, { notice: (line: string) => notices.push(line) });
  feeds = await startFeeds({
    config: testConfig(['bybit', 'okx'], ['BTC', 'ETJ', 'SOL']),
    sink,
    dataDir: '/nonexistent-liqbot-test',
    overrides: { bybit: { rest: false, markets: BYBIT_MARKETS, ws, backoff: FAST_BACKOFF }, okx: { rest: false, markets: OKX_MARKETS, ws, backoff: FAST_BACKOFF } },
  });
  await waitFor(() => warnings().length > 0, 'the warning');
  await feeds.stop();
  expect(warnings()).toEqual([
    'feeds: ETJ (did you mean ETH?) is listed as a perpetual swap on none of the watched exchanges (bybit, okx): it gets no liquidations or prices; check assets in the config',
  ]);
  expect(notices).toEqual([warnings()[0]!.slice('feeds: '.length)]);
});

it('names every such asset in one line, and decides with the venues that have a list when one gave up without', async () => {
  const ws = (await closedPort()).replace('http', 'ws');
  feeds = await startFeeds({
    config: testConfig(['bybit', 'gate'], ['BTC', 'BTX', 'DOGECOIN']),
    sink: new MemorySink(),
    dataDir: '/nonexistent-liqbot-test',
    // Gate: no list preset, none cached, REST off: it gives up on its markets.
    overrides: { bybit: { rest: false, markets: BYBIT_MARKETS, ws, backoff: FAST_BACKOFF }, gate: { rest: false, ws, backoff: FAST_BACKOFF } },
  });
  await waitFor(() => warnings().length > 0, 'the warning');
  await feeds.stop();
  expect(warnings()).toEqual([
    'feeds: BTX (did you mean BTC?), DOGECOIN are listed as a perpetual swap on none of the watched exchanges (bybit): they get no liquidations or prices; check assets in the config',
  ]);
  expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['gate: no markets, not watching it']);
});
