/**
 * `/status` names a configured asset that no watched exchange lists ("ETJ: listed on none of the watched exchanges")
 * once every venue's market list has loaded, where it said "ETJ none yet" for ever: the start's Listings hands the
 * unlisted assets to every venue's liquidations status, which the market's feed board keeps and `/status` reads. Before
 * the lists load, "none yet" stays.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { Config } from '../../config/schema.js';
import { Market } from '../../src/core/market.js';
import { startFeeds, type Feeds, type FeedStatus } from '../../src/feeds/index.js';
import type { Logger } from '../../src/log.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { closedPort } from '../fakes/leverage/server.js';
import { FAST_BACKOFF, MemorySink, testConfig, waitFor } from './helpers.js';

// The feeds' warn lines (the unlisted asset's among them) kept off the test output.
vi.mock(import('../../src/log.js'), async (original) => ({
  ...(await original()),
  logger: () => ({ warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined }) as unknown as Logger,
}));

let feeds: Feeds | undefined;
afterEach(async () => {
  await feeds?.stop();
  feeds = undefined;
});

const T = Date.parse('2026-12-02T10:00:00Z');

/** The "Last prices" line of `/status` on a market that heard `statuses` from the feeds. */
async function lastPrices(config: Config, statuses: readonly FeedStatus[]): Promise<string | undefined> {
  const market = new Market(config);
  for (const s of statuses) market.feeds.update(s);
  const services = createServices({ config, market, store: createMemoryStore(), now: () => T });
  const r = await runCommandLine('/status', { chat: { key: 'telegram:-31', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T, services });
  return replyText(r).split('\n').find((l) => l.startsWith('Last prices: '));
}

it('says an asset no watched venue lists as listed on none of them once every list has loaded; "none yet" before', async () => {
  // Bybit lists BTC and ETH; OKX lists SOL too: SOL is followed there, ETJ nowhere.
  const ws = (await closedPort()).replace('http', 'ws');
  const sink = new MemorySink();
  const config = testConfig(['bybit', 'okx'], ['BTC', 'ETJ', 'SOL']);
  feeds = await startFeeds({
    config,
    sink,
    dataDir: '/nonexistent-liqbot-test',
    overrides: { bybit: { rest: false, markets: BYBIT_MARKETS, ws, backoff: FAST_BACKOFF }, okx: { rest: false, markets: OKX_MARKETS, ws, backoff: FAST_BACKOFF } },
  });
  await waitFor(() => sink.statuses.some((s) => s.unlisted), 'a status naming the unlisted asset');
  await feeds.stop();
  const first = sink.statuses.findIndex((s) => s.unlisted);
  // Every venue's liquidations status says it, once the last list loaded; the prices streams are not what /status reads.
  const told = sink.statuses.filter((s) => s.unlisted);
  expect(told.map((s) => [s.exchange, s.stream, s.unlisted])).toEqual([
    ['bybit', 'liquidations', ['ETJ']],
    ['okx', 'liquidations', ['ETJ']],
  ]);
  // The statuses the feeds report afterwards keep it (a venue connecting, then down, at the closed port).
  const after = sink.statuses.slice(first).filter((s) => s.stream === 'liquidations');
  expect(after.every((s) => s.unlisted?.join() === 'ETJ')).toBe(true);
  expect(feeds.statuses().filter((s) => s.stream === 'liquidations').map((s) => s.unlisted)).toEqual([['ETJ'], ['ETJ']]);

  // Before the lists loaded, the venues' statuses name nothing: "none yet", as for any asset without a price.
  expect(await lastPrices(config, sink.statuses.slice(0, first))).toBe('Last prices: BTC none yet · ETJ none yet · SOL none yet');
  expect(await lastPrices(config, sink.statuses)).toBe('Last prices: BTC none yet · ETJ: listed on none of the watched exchanges · SOL none yet');
});

it('names nothing when every configured asset is listed somewhere', async () => {
  const ws = (await closedPort()).replace('http', 'ws');
  const sink = new MemorySink();
  const config = testConfig(['bybit', 'okx'], ['BTC', 'SOL']);
  feeds = await startFeeds({
    config,
    sink,
    dataDir: '/nonexistent-liqbot-test',
    overrides: { bybit: { rest: false, markets: BYBIT_MARKETS, ws, backoff: FAST_BACKOFF }, okx: { rest: false, markets: OKX_MARKETS, ws, backoff: FAST_BACKOFF } },
  });
  // Both venues past their market lists: each has tried its sockets (at a closed port: down).
  await waitFor(() => ['bybit', 'okx'].every((ex) => sink.statuses.some((s) => s.exchange === ex && s.state === 'down')), 'both venues past their lists');
  await feeds.stop();
  expect(sink.statuses.filter((s) => s.unlisted)).toEqual([]);
  expect(await lastPrices(config, sink.statuses)).toBe('Last prices: BTC none yet · SOL none yet');
});
