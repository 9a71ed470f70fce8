/**
 * The exchange's REST API, used sparingly (loading markets when the disk cache is missing or old, and
 * polling candles where no candle stream exists), paced by bottleneck within the venue's published limit.
 */
import Bottleneck from 'bottleneck';
import { mergeConfig, type Ccxt, type ProExchange, type Venue } from './venue.js';

export class RestClient {
  private readonly limiter: Bottleneck;
  private readonly ex: ProExchange;

  constructor(venue: Venue, ccxt: Ccxt, extra: Record<string, unknown> = {}) {
    this.limiter = new Bottleneck({ maxConcurrent: 2, minTime: Math.ceil(1000 / venue.restPerSecond) });
    const Cls = venue.proClass(ccxt);
    this.ex = new Cls(mergeConfig({ enableRateLimit: true, timeout: 15_000 }, venue.ccxtConfig, extra));
  }

  fetchMarkets(): Promise<unknown[]> {
    return this.limiter.schedule(() => this.ex.fetchMarkets());
  }

  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<unknown[][]> {
    return this.limiter.schedule(() => this.ex.fetchOHLCV(symbol, timeframe, since, limit));
  }

  /** Give ccxt markets so fetchOHLCV knows the symbols without loading them again. */
  useMarkets(markets: Record<string, unknown>): void {
    (this.ex as unknown as { setMarkets(m: unknown): void }).setMarkets(markets);
  }

  /** Drop queued requests and close kept-alive HTTP sockets (in-flight requests fail). */
  async close(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.ex.fetchDispatcher?.destroy?.().catch(() => undefined);
  }
}
