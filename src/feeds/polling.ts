/**
 * Liquidations of a venue without a public liquidation stream, from its public liquidation history polled
 * through the paced REST client. Each poll asks for `[cursor − overlap, now]`, pages back while pages come
 * back full, and emits only rows whose identity it has not emitted before: the overlap catches rows the
 * exchange publishes late, the identity keeps them from counting twice. The cursor and the identities
 * inside the overlap are saved after every poll, so a restart resumes where the last run stopped; an
 * outage (or a stop) longer than the exchange's history reach is recorded as a gap, never guessed over.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backoff } from './backoff.js';
import { pause } from './backoff.js';
import { skipper, type FeedContext } from './context.js';
import type { FeedStream } from './contract.js';
import { describe } from './errors.js';
import { toLiquidation } from './normalize.js';
import type { StatusBoard } from './status.js';
import type { MarketLike } from './symbols.js';
import type { LiquidationPoll, PolledLiquidation, PolledRow, SocketGroup } from './venue.js';

/** Rows published this late are still caught (the exchanges publish within seconds). */
export const OVERLAP_MS = 120_000;
/** Pages per poll and history: beyond this the rest of the stretch is recorded as a gap. */
const MAX_PAGES = 20;

/** Where one history stands: asked up to `until`; `keys` = identities emitted at or after `until − overlap`. */
interface Cursor {
  until: number;
  keys: Record<string, number>;
}

export function pollStatePath(dataDir: string, exchange: string): string {
  return join(dataDir, `poll-${exchange}.json`);
}

function loadCursors(path: string): Record<string, Cursor> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, Cursor> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const c = v as Partial<Cursor> | null;
      if (c && typeof c.until === 'number' && Number.isFinite(c.until) && typeof c.keys === 'object' && c.keys !== null) out[k] = { until: c.until, keys: { ...c.keys } };
    }
    return out;
  } catch {
    return {};
  }
}

/** What the exchange feed runs for one stream (a StreamRunner or this poller). */
export interface Runner {
  readonly stream: FeedStream;
  run(): Promise<void>;
  close(): Promise<void>;
}

export class LiquidationPoller implements Runner {
  readonly stream = 'liquidations' as const;
  private readonly poll: LiquidationPoll;
  private readonly cursors: Record<string, Cursor>;
  private readonly path: string;
  private readonly skip: (reason: string) => void;
  private readonly scopes: { key: string; market?: MarketLike }[];
  private readonly watched: Set<string>;
  private downSince: number | undefined;
  private saveWarned = false;
  /** Markets whose stated dollar values overruled our sizing: warned about once each. */
  private readonly sizeWarned = new Set<string>();

  constructor(
    private readonly ctx: FeedContext,
    private readonly board: StatusBoard,
    private readonly group: SocketGroup,
    private readonly backoff: Backoff,
    dataDir: string,
  ) {
    const poll = ctx.venue.poll;
    if (!poll) throw new Error(`${ctx.venue.id} has no liquidation history to poll`);
    this.poll = poll;
    this.path = pollStatePath(dataDir, ctx.venue.id);
    this.cursors = loadCursors(this.path);
    this.skip = skipper(ctx, board);
    this.watched = new Set(group.symbols);
    this.scopes = poll.scope === 'all' ? [{ key: 'all' }] : group.symbols.map((s) => ({ key: s, market: ctx.markets[s]! }));
  }

  get everyMs(): number {
    return this.ctx.override.pollMs ?? this.poll.everyMs;
  }

  async close(): Promise<void> {
    // Nothing of its own is open: the REST client is closed by the exchange feed.
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const started = ctx.now();
    for (const s of this.scopes) this.cursors[s.key] ??= { until: started, keys: {} };
    this.board.set(this.group.name, 'connecting');
    while (!ctx.signal.aborted) {
      let delay = this.everyMs;
      try {
        for (const s of this.scopes) await this.pollOnce(s.key, s.market);
        if (ctx.signal.aborted) break;
        this.save();
        if (this.downSince !== undefined) ctx.notice.recovered('liquidations');
        this.downSince = undefined;
        this.backoff.reset();
        this.board.set(this.group.name, 'live');
      } catch (err) {
        if (ctx.signal.aborted) break;
        this.save();
        delay = Math.max(this.backoff.next(), this.everyMs);
        this.downSince ??= ctx.now();
        this.board.set(this.group.name, 'down', describe(err));
        ctx.notice.failed('liquidations', err, delay);
      }
      await pause(delay, ctx.signal);
    }
    this.save();
  }

  /** One history brought up to now: pages back from now until a page is not full or reaches the cursor. */
  private async pollOnce(key: string, market: MarketLike | undefined): Promise<void> {
    const { ctx, poll } = this;
    const rest = ctx.rest;
    if (!rest) throw new Error(`polling ${ctx.venue.id} needs REST, which is off for this exchange`);
    const cursor = this.cursors[key]!;
    const until = ctx.now();
    let since = cursor.until - OVERLAP_MS;
    const reach = until - poll.historyMs;
    if (since < reach) {
      ctx.sink.gap({ exchange: ctx.venue.id, from: cursor.until, to: reach, reason: `liquidations: the public history reaches back ${Math.round(poll.historyMs / 3_600_000)} h only` });
      since = reach;
    }
    const fresh = new Map<string, PolledLiquidation>();
    let pageUntil = until;
    for (let page = 0; ; page++) {
      const rows = await rest.call((ex) => poll.fetchPage(ex, { ...(market ? { market } : {}), since, until: pageUntil, limit: poll.pageLimit }));
      if (ctx.signal.aborted) return;
      let oldest = Infinity;
      for (const row of rows) {
        let read: PolledRow;
        try {
          read = poll.read(row);
        } catch (err) {
          this.skip(`liquidation history row: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        if (Number.isFinite(read.ts)) oldest = Math.min(oldest, read.ts);
        for (const liq of read.liquidations) {
          if (liq.ts < since || liq.ts > until || cursor.keys[liq.key] !== undefined) continue;
          fresh.set(liq.key, liq);
        }
      }
      if (rows.length < poll.pageLimit || oldest <= since) break;
      if (oldest >= pageUntil || page + 1 >= MAX_PAGES) {
        // A full page that does not move back, or too many pages: what lies behind is not read.
        ctx.sink.gap({ exchange: ctx.venue.id, from: since, to: oldest, reason: `liquidations: more than ${MAX_PAGES} pages of history in one poll` });
        break;
      }
      pageUntil = oldest;
    }
    for (const liq of [...fresh.values()].sort((a, b) => a.ts - b.ts)) {
      cursor.keys[liq.key] = liq.ts;
      this.emit(liq);
    }
    cursor.until = until;
    for (const [k, ts] of Object.entries(cursor.keys)) if (ts < until - OVERLAP_MS) delete cursor.keys[k];
  }

  private emit(raw: PolledLiquidation): void {
    const { ctx } = this;
    const market = ctx.byId.get(raw.marketId);
    if (!market || !this.watched.has(market.symbol)) return;
    const liq = toLiquidation(ctx.venue.id, market, raw);
    if (!liq.ok) {
      this.skip(`${market.symbol} liquidation: ${liq.reason}`);
      return;
    }
    if (liq.note && !this.sizeWarned.has(market.symbol)) {
      this.sizeWarned.add(market.symbol);
      ctx.log.warn({ exchange: ctx.venue.id, symbol: market.symbol, note: liq.note }, `${ctx.venue.id}: ${liq.note}`);
    }
    this.board.eventAt(ctx.now());
    ctx.sink.event(liq.event);
  }

  /** Written atomically; a data directory that cannot be written costs the resume after a restart, not the feed. */
  private save(): void {
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.cursors));
      renameSync(tmp, this.path);
    } catch (err) {
      if (this.saveWarned) return;
      this.saveWarned = true;
      this.ctx.log.warn({ exchange: this.ctx.venue.id, path: this.path, error: describe(err) }, `${this.ctx.venue.id}: cannot save where liquidation polling stands; a restart will start from now`);
    }
  }
}
