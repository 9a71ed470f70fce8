/**
 * Everything liqbot watches on one exchange: loads its markets (disk cache first, retrying with backoff
 * while the exchange is unreachable), maps the configured assets to its perpetual swaps, and runs a
 * liquidation stream and a price stream per socket group. Never throws: trouble becomes status, gaps and
 * one log warning.
 */
import { logger, type Logger } from '../log.js';
import { isSampled } from '../core/venues.js';
import type { ExchangeOverride, FeedSink, FeedStatus, FeedStream } from './contract.js';
import { Backoff, pause } from './backoff.js';
import type { FeedContext } from './context.js';
import { describe, FeedError } from './errors.js';
import { liquidationRunner } from './liquidations.js';
import { loadMarkets, marketsCachePath, type LoadedMarkets, type Listings } from './markets.js';
import { OutageNotice } from './notice.js';
import { LiquidationPoller, type Runner } from './polling.js';
import { priceGroup, type PriceGroup } from './prices.js';
import { RestClient } from './rest.js';
import { StatusBoard } from './status.js';
import type { Outage } from './stream.js';
import { multipliedCoin, perpetualSymbols, priceSymbol, swapsOnly, type MarketLike } from './symbols.js';
import type { Ccxt, Venue } from './venue.js';

export interface ExchangeFeedOptions {
  venue: Venue;
  ccxt: Ccxt;
  assets: readonly string[];
  sink: FeedSink;
  dataDir: string;
  override: ExchangeOverride;
  now: () => number;
  /** The start's one Listings, shared by its venues, so an asset none of them lists is said once. */
  listings: Listings;
}

export class ExchangeFeed {
  private readonly abort = new AbortController();
  private readonly boards: Record<FeedStream, StatusBoard>;
  private readonly log: Logger;
  private readonly notice: OutageNotice;
  private readonly sink: FeedSink;
  private readonly rest: RestClient | undefined;
  private readonly runners: Runner[] = [];
  private readonly priceGroups: PriceGroup[] = [];
  private readonly listings: Listings;
  private running: Promise<void> | undefined;

  constructor(private readonly o: ExchangeFeedOptions) {
    const id = o.venue.id;
    this.log = logger(`feeds:${id}`);
    this.notice = new OutageNotice(id, this.log, o.now);
    const signal = this.abort.signal;
    // No event leaves after stop() began; gaps and statuses still do (shutdown records open gaps).
    this.sink = { event: (e) => signal.aborted || o.sink.event(e), gap: (g) => o.sink.gap(g), status: (s) => o.sink.status(s) };
    this.boards = {
      liquidations: new StatusBoard(id, 'liquidations', isSampled(id), this.sink, o.now, o.venue.poll ? (o.override.pollMs ?? o.venue.poll.everyMs) : undefined, o.override.timeouts?.stableMs),
      prices: new StatusBoard(id, 'prices', false, this.sink, o.now, undefined, o.override.timeouts?.stableMs),
    };
    this.rest = o.override.rest === false ? undefined : new RestClient(o.venue, o.ccxt, o.override.ccxt, o.override.restUrl, o.override.restMinTimeMs);
    this.listings = o.listings;
    this.listings.expect(id);
  }

  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      this.log.error({ exchange: this.o.venue.id, error: describe(err) }, `${this.o.venue.id} feed stopped by an unexpected error`);
    });
  }

  /** The configured assets none of the start's venues lists: said on this venue's liquidations status, which `/status` reads. */
  unlisted(assets: readonly string[]): void {
    this.boards.liquidations.unlisted(assets);
  }

  statuses(): FeedStatus[] {
    return [this.boards.liquidations.snapshot(), this.boards.prices.snapshot()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([this.rest?.close(), ...this.runners.map((r) => r.close())]);
    await this.running;
    for (const g of this.priceGroups) g.stop();
  }

  private async run(): Promise<void> {
    const loaded = await this.marketsWithRetry();
    if (!loaded || this.abort.signal.aborted) return;
    const { venue } = this.o;
    const markets = loaded.markets.markets;
    this.listings.listed(venue.id, markets);
    const byId = new Map<string, MarketLike>(Object.values(markets).map((m) => [m.id, m]));
    this.rest?.useMarkets(markets);
    const ctx: FeedContext = {
      venue,
      ccxt: this.o.ccxt,
      markets,
      byId,
      sink: this.sink,
      now: this.o.now,
      signal: this.abort.signal,
      log: this.log,
      notice: this.notice,
      override: this.o.override,
      rest: this.rest,
    };

    const liqSymbols = this.o.assets.flatMap((a) => perpetualSymbols(markets, a));
    const priceSymbols = this.o.assets.map((a) => priceSymbol(markets, a)).filter((s): s is string => s !== undefined);
    const missing = this.o.assets.filter((a) => perpetualSymbols(markets, a).length === 0);
    if (missing.length) {
      // An asset configured by a venue's contract name (1000PEPE) is the coin now: say what to configure.
      const coins = missing.map((a) => multipliedCoin(a)?.coin).filter((c): c is string => c !== undefined);
      const hint = coins.length ? ` (a multiplied contract is followed as its coin: configure ${coins.join(', ')})` : '';
      this.log.info({ exchange: venue.id, assets: missing }, `${venue.id} lists no perpetual swap for ${missing.join(', ')}${hint}`);
    }
    this.log.info(
      { exchange: venue.id, markets: loaded.markets.from, liquidations: venue.allMarket ? 'every perpetual swap' : liqSymbols, prices: priceSymbols },
      venue.allMarket ? `${venue.id}: watching every perpetual swap's liquidations (the configured assets', the others' for the market-wide flush)` : `${venue.id}: watching`,
    );

    const backoff = (): Backoff => new Backoff(this.o.override.backoff);
    // An all-market stream runs whichever configured assets the venue lists: it carries every contract's liquidations.
    const liqGroups = venue.allMarket ? [{ name: 'all', symbols: liqSymbols }] : venue.socketGroups(liqSymbols, markets);
    for (const group of liqGroups) {
      this.runners.push(
        venue.poll
          ? new LiquidationPoller(ctx, this.boards.liquidations, group, backoff(), this.o.dataDir)
          : liquidationRunner(ctx, this.boards.liquidations, group, backoff(), loaded.downSince),
      );
    }
    for (const group of venue.socketGroups(priceSymbols, markets)) {
      const g = priceGroup(ctx, this.boards.prices, group, backoff(), loaded.downSince);
      this.priceGroups.push(g);
      this.runners.push(g.runner);
    }
    const runs = this.runners.map((r) => r.run());
    for (const stream of ['liquidations', 'prices'] as const) {
      const board = this.boards[stream];
      if (this.runners.some((r) => r.stream === stream)) board.remove('markets');
      else board.set('markets', 'down', `none of ${this.o.assets.join(', ')} is listed as a perpetual swap on ${venue.id}`);
    }
    await Promise.all(runs);
  }

  /** Markets from preset, cache or REST; retried with backoff. Undefined when stopped first. */
  private async marketsWithRetry(): Promise<{ markets: LoadedMarkets; downSince?: Outage } | undefined> {
    const { venue, override } = this.o;
    const signal = this.abort.signal;
    if (override.markets) {
      const list = Array.isArray(override.markets) ? override.markets : Object.values(override.markets);
      return { markets: { markets: swapsOnly(list as MarketLike[]), from: 'cache' } };
    }
    for (const b of Object.values(this.boards)) b.set('markets', 'connecting');
    const backoff = new Backoff(override.backoff);
    const startedAt = this.o.now();
    let downSince: Outage | undefined;
    const rest = this.rest;
    while (!signal.aborted) {
      try {
        const markets = await loadMarkets({
          exchange: venue.id,
          path: marketsCachePath(this.o.dataDir, venue.id),
          ...(rest ? { fetchMarkets: () => rest.fetchMarkets() } : {}),
          now: this.o.now,
          log: this.log,
        });
        if (signal.aborted) break;
        if (downSince) this.notice.recovered('markets');
        return downSince ? { markets, downSince } : { markets };
      } catch (err) {
        if (signal.aborted) break;
        const reason = describe(err);
        downSince ??= { at: startedAt, reason: `markets could not be loaded: ${reason}` };
        for (const b of Object.values(this.boards)) b.set('markets', 'down', reason);
        if (err instanceof FeedError && !rest) {
          this.log.error({ exchange: venue.id, error: reason, hint: err.hint }, `${venue.id}: no markets, not watching it`);
          this.listings.listed(venue.id, undefined);
          return undefined;
        }
        const delay = backoff.next();
        this.notice.failed('markets', err, delay);
        await pause(delay, signal);
      }
    }
    if (downSince) this.sink.gap({ exchange: venue.id, from: downSince.at, to: this.o.now(), reason: `${downSince.reason} (still down at shutdown)` });
    return undefined;
  }
}
