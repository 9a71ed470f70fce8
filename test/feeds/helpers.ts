/**
 * Shared test tools for the feeds: a sink that keeps everything it is given, waiting on a condition with a
 * deadline (never a fixed sleep), a config for chosen exchanges and assets, and startFeeds against fakes.
 */
import { buildConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Candle, Liquidation, MarketEvent, PriceTick } from '../../src/core/events.js';
import { startFeeds, type ExchangeOverride, type Feeds, type FeedSink, type FeedStatus } from '../../src/feeds/index.js';
import type { Gap } from '../../src/core/coverage.js';

export class MemorySink implements FeedSink {
  readonly events: MarketEvent[] = [];
  readonly gaps: Gap[] = [];
  readonly statuses: FeedStatus[] = [];
  event(e: MarketEvent): void {
    this.events.push(e);
  }
  gap(g: Gap): void {
    this.gaps.push(g);
  }
  status(s: FeedStatus): void {
    this.statuses.push(s);
  }
  get liquidations(): Liquidation[] {
    return this.events.filter((e): e is Liquidation => e.type === 'liquidation');
  }
  get candles(): Candle[] {
    return this.events.filter((e): e is Candle => e.type === 'candle');
  }
  get prices(): PriceTick[] {
    return this.events.filter((e): e is PriceTick => e.type === 'price');
  }
}

/** Poll `predicate` every few ms until it holds; fail with `what` after the deadline. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function testConfig(exchanges: string[], assets: string[] = ['BTC', 'ETH']): Config {
  return buildConfig({ exchanges, assets });
}

/** Fast reconnects for tests. */
export const FAST_BACKOFF = { baseMs: 20, maxMs: 100 };

export interface Running {
  feeds: Feeds;
  sink: MemorySink;
  status(exchange: string, stream: 'liquidations' | 'prices'): FeedStatus;
}

export interface StartOptions {
  assets?: string[];
  now?: () => number;
  dataDir?: string;
}

/** startFeeds for one exchange pointed at a fake: preset markets, no REST, fast reconnects unless overridden. */
export async function startAgainst(exchange: string, override: ExchangeOverride, opts: StartOptions = {}): Promise<Running> {
  const sink = new MemorySink();
  const feeds = await startFeeds({
    config: testConfig([exchange], opts.assets),
    sink,
    dataDir: opts.dataDir ?? '/nonexistent-liqbot-test',
    overrides: { [exchange]: { rest: false, backoff: FAST_BACKOFF, ...override } },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    feeds,
    sink,
    status: (ex, stream) => {
      const s = feeds.statuses().find((x) => x.exchange === ex && x.stream === stream);
      if (!s) throw new Error(`no status for ${ex} ${stream}`);
      return s;
    },
  };
}

/** Sum of a list of numbers, for dollar checks. */
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
