/**
 * Live market feeds: every configured exchange's liquidations, candles and prices, normalized into
 * MarketEvents for a sink, with reconnects, backoff and gaps handled. ccxt is loaded here, lazily, so the
 * offline CLI never pays for it; nothing outside src/feeds imports it.
 *
 *   const feeds = await startFeeds({ config, dataDir: 'data', sink: { event: store, gap: recordGap, status: log } });
 *   …
 *   await feeds.stop();
 */
import { logger } from '../log.js';
import type { FeedOptions, Feeds } from './contract.js';
import { ExchangeFeed } from './exchange.js';
import { Listings } from './markets.js';
import { VENUES } from './venues/registry.js';
import { isSampled } from '../core/venues.js';
import { flushReachNote } from '../core/flush.js';

export type { ExchangeOverride, FeedOptions, Feeds, FeedSink, FeedState, FeedStatus, FeedStream } from './contract.js';
export { perpetualSymbols, perpetualSymbolsByExchange, priceSymbol } from './symbols.js';

/** The exchanges with a live feed module. */
export const SUPPORTED_EXCHANGES: readonly string[] = Object.keys(VENUES);

/**
 * Start watching every exchange in `config.exchanges` for the assets in `config.assets`. Resolves once the
 * feeds are started (not connected); never rejects because an exchange is unreachable.
 */
export async function startFeeds(opts: FeedOptions): Promise<Feeds> {
  const log = logger('feeds');
  const now = opts.now ?? Date.now;
  // Said once at start: a deployment watching too few assets, with no all-market stream to bring the others' liquidations,
  // never hears a market-wide flush.
  const allMarket = [...new Set(opts.config.exchanges)].filter((id) => VENUES[id]?.allMarket);
  const flushNote = flushReachNote(opts.config.flush, opts.config.assets, allMarket);
  if (flushNote) log.warn({ assets: opts.config.assets }, flushNote);
  // Every venue is "connecting" before the exchange library loads (a second or so): a command answered meanwhile
  // says the data is not there yet, never that the market was quiet.
  for (const id of new Set(opts.config.exchanges)) {
    const venue = VENUES[id];
    if (!venue) continue;
    const polledEveryMs = venue.poll ? (opts.overrides?.[id]?.pollMs ?? venue.poll.everyMs) : undefined;
    opts.sink.status({ exchange: id, stream: 'liquidations', state: 'connecting', since: now(), sampled: isSampled(id), malformed: 0, ...(polledEveryMs ? { polledEveryMs } : {}) });
  }
  const ccxt = await import('ccxt');
  const feeds: ExchangeFeed[] = [];
  // Made before any venue's market list loads, so the unlisted assets are said once every venue has its list: logged,
  // where the operator watches, and on every venue's status (a chat's /status names them).
  const listings = new Listings(
    opts.config.assets,
    log,
    (line) => opts.sink.notice?.(line),
    (unlisted) => {
      for (const f of feeds) f.unlisted(unlisted);
    },
  );
  for (const id of new Set(opts.config.exchanges)) {
    const venue = VENUES[id];
    if (!venue) {
      log.warn({ exchange: id, supported: SUPPORTED_EXCHANGES }, `no live feed for "${id}"; it is skipped (supported: ${SUPPORTED_EXCHANGES.join(', ')})`);
      continue;
    }
    const feed = new ExchangeFeed({ venue, ccxt, assets: opts.config.assets, sink: opts.sink, dataDir: opts.dataDir, override: opts.overrides?.[id] ?? {}, now, listings });
    feeds.push(feed);
    feed.start();
  }
  let stopping: Promise<void> | undefined;
  return {
    stop: () => (stopping ??= Promise.all(feeds.map((f) => f.stop())).then(() => undefined)),
    statuses: () => feeds.flatMap((f) => f.statuses()),
  };
}
