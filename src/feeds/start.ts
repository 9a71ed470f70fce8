/**
 * Everything live a process watches, started in one place for both that watch the markets: the embedded bot
 * (main.ts) and the ingest role (bus/ingest.ts). The venues' feeds first (every venue reads "connecting" before this
 * returns its promise), then leverage polling, then the vendor's hourly totals when a key is set; one stop for all.
 *
 *   const live = await startLiveFeeds({ config, dataDir, sink, vendor: env.coinalyze });
 *   …
 *   await live.stop();
 */
import type { Config } from '../../config/schema.js';
import type { ExchangeOverride, FeedSink, FeedStatus } from './contract.js';
import { startFeeds } from './index.js';
import { startLeveragePolling } from './leverage.js';
import { startVendorPolling } from './vendor.js';

/** How often open interest and funding are polled per venue. */
const LEVERAGE_EVERY_MS = 300_000;

export interface LiveFeedsOptions {
  config: Config;
  /** Where market lists are cached. */
  dataDir: string;
  /** Every event, gap and state change of the feeds; the pollers' events go to `event` too. */
  sink: FeedSink;
  /** Where the feeds connect instead of the venues (tests: the fake exchanges). */
  overrides?: Record<string, ExchangeOverride>;
  /** Poll open interest and funding (default yes; tests against fake exchanges turn it off). */
  leverage?: boolean;
  /** The vendor's account (COINALYZE_API_KEY): its hourly liquidation totals are polled; none, not polled. */
  vendor?: { apiKey: string; baseUrl?: string } | undefined;
}

export interface LiveFeeds {
  /** Each venue stream's state now. */
  statuses(): FeedStatus[];
  /** Stop the feeds, then the pollers; resolves when nothing is left open. */
  stop(): Promise<void>;
}

/**
 * Start the feeds and the pollers. The feeds mark their venues "connecting" synchronously, in this call, so a caller
 * that goes on without awaiting (the embedded bot starts its chats meanwhile) never answers "a quiet market" while the
 * exchange library loads. Rejects only where a start step throws, as each did before.
 */
export async function startLiveFeeds(opts: LiveFeedsOptions): Promise<LiveFeeds> {
  const feeds = await startFeeds({ config: opts.config, dataDir: opts.dataDir, sink: opts.sink, ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  const pollers: { stop(): Promise<void> }[] = [];
  const event = opts.sink.event.bind(opts.sink);
  try {
    if (opts.leverage !== false) {
      // An exchange its liquidation feed already said is unreachable is not said again by the poller (one line each).
      const feedReported = (id: string) => feeds.statuses().some((s) => s.exchange === id && s.state !== 'live' && s.error !== undefined);
      pollers.push(await startLeveragePolling({ config: opts.config, intervalMs: LEVERAGE_EVERY_MS, sink: { event }, feedReported }));
    }
    if (opts.vendor) pollers.push(await startVendorPolling({ ...opts.vendor, assets: opts.config.assets, sink: { event } }));
  } catch (err) {
    // The caller gets no handle to stop what already runs: stop it here before the start fails.
    await feeds.stop();
    for (const p of pollers) await p.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    statuses: () => feeds.statuses(),
    stop: () =>
      (stopping ??= (async () => {
        await feeds.stop();
        for (const p of pollers) await p.stop();
      })()),
  };
}
