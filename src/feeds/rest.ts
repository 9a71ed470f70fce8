/**
 * The exchange's REST API, used sparingly (loading markets when the disk cache is missing or old, polling
 * candles where no candle stream exists, polling liquidation history where no liquidation stream exists),
 * paced by bottleneck within the venue's published limit. Bottleneck is the only pacing: ccxt's own
 * rate limiter is off, so a request is never delayed twice.
 */
import Bottleneck from 'bottleneck';
import { mergeConfig, type Ccxt, type ProExchange, type Venue } from './venue.js';

export class RestClient {
  private readonly limiter: Bottleneck;
  private readonly ex: ProExchange;

  constructor(venue: Venue, ccxt: Ccxt, extra: Record<string, unknown> = {}, restUrl?: string, minTimeMs?: number) {
    this.limiter = new Bottleneck({ maxConcurrent: 2, minTime: minTimeMs ?? Math.ceil(1000 / venue.restPerSecond) });
    const Cls = venue.proClass(ccxt);
    this.ex = new Cls(mergeConfig({ enableRateLimit: false, timeout: 15_000 }, venue.ccxtConfig, extra));
    if (restUrl) {
      if (!venue.pointRestAt) throw new Error(`${venue.id} cannot be pointed at a stand-in REST server`);
      venue.pointRestAt(this.ex.urls, restUrl);
    }
  }

  /** Whether ccxt paces requests itself (it must not: bottleneck does). */
  get ccxtRateLimit(): boolean {
    return Boolean((this.ex as unknown as { enableRateLimit?: boolean }).enableRateLimit);
  }

  /** Any request on the paced client (the liquidation history pages). */
  call<T>(request: (ex: ProExchange) => Promise<T>): Promise<T> {
    return this.limiter.schedule(() => request(this.ex));
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
