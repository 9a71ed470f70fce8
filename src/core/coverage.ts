/**
 * What the live feeds can vouch for: each exchange's liquidation feed as it last reported (live, connecting,
 * down since when; sampled or complete; pushed or polled), so that every reply can say which venues a figure
 * covers and which it cannot, and never reads an outage as a quiet market. Offline (a data file, or a recorded day
 * rehearsed) there are no feeds: the file is the whole source, and it vouches for the stretches its prints cover.
 */

/**
 * Offline, liquidation prints of any asset less than this far apart are one stretch of recording. A longer silence on
 * every symbol at once is a hole in the file (a recorder that stopped, or a file cut that way): a window there has no
 * liquidation data, which is not the same as a quiet market.
 */
export const RECORDING_GAP_MS = 60 * 60_000;

/**
 * Print times as stretches of recording: prints closer than `RECORDING_GAP_MS` join one. Times come nearly in
 * order (the reader's, before or after its reorder buffer), so each extends the last stretch or starts one; a time
 * before the last stretch that does not touch it is kept aside and merged once, at the end.
 */
export class Stretches {
  private readonly out: [number, number][] = [];
  private readonly early: number[] = [];

  add(t: number): void {
    const last = this.out[this.out.length - 1];
    if (last === undefined) this.out.push([t, t]);
    else if (t > last[1]) {
      if (t - last[1] < RECORDING_GAP_MS) last[1] = t;
      else this.out.push([t, t]);
    } else if (t < last[0]) {
      if (last[0] - t < RECORDING_GAP_MS && (this.out.length === 1 || t - this.out[this.out.length - 2]![1] >= RECORDING_GAP_MS)) last[0] = t;
      else this.early.push(t);
    }
  }

  /** The stretches so far, one array updated in place as times are added (a rehearsal's, added in time order). */
  get growing(): readonly (readonly [number, number])[] {
    return this.out;
  }

  /** The stretches in order. */
  list(): [number, number][] {
    if (this.early.length === 0) return this.out;
    const all = [...this.out, ...this.early.map((t): [number, number] => [t, t])].sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of all) {
      const last = merged[merged.length - 1];
      if (last && a - last[1] < RECORDING_GAP_MS) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return merged;
  }
}

/** A stretch an exchange's feed was down (or its history did not reach): figures there are incomplete. */
export interface Gap {
  exchange: string;
  from: number;
  to: number;
  reason: string;
}

export type FeedPhase = 'connecting' | 'live' | 'down';

/** One exchange's liquidation feed, as the feeds report it (a structural copy of their FeedStatus). */
export interface FeedHealth {
  exchange: string;
  stream: 'liquidations' | 'prices';
  state: FeedPhase;
  /** When it entered `state` (ms). */
  since: number;
  /** Pushes a sample (at most one per symbol per second): its amounts are lower bounds. */
  sampled: boolean;
  /** Polled from the exchange's history every this many ms (absent: a push stream). */
  polledEveryMs?: number;
  /** The configured assets no watched exchange lists, once every venue's market list has loaded (`/status` says so). */
  unlisted?: readonly string[];
}

/** One ingest process's liquidation feeds as the bus carries them (scaled out): sent on every change and every 30 s. */
export interface FeedReport {
  /** The ingest process (one per replica and start). */
  instance: string;
  /** When it was sent (wall clock, ms). */
  at: number;
  feeds: FeedHealth[];
}

/** A report stands this long without a newer one (three missed repeats): after that its process is taken as gone. */
export const FEED_REPORT_TTL_MS = 90_000;

/**
 * Why a live process lists no liquidation feed, so that a reply says it rather than a quiet market: no exchange is
 * configured (the embedded bot with `exchanges: []`), no ingest process has reported to this one yet (scaled out), or
 * those that report watch no exchange.
 */
export type NoFeed = 'unconfigured' | 'unreported' | 'unwatched';

/** Feeds in order of what they can vouch for: live, then connecting, then down. */
export const FEED_PHASE_RANK: Readonly<Record<FeedPhase, number>> = { live: 0, connecting: 1, down: 2 };

/**
 * The liquidation feeds a reply can vouch for: this process's own (embedded), or the reports of the ingest
 * processes that hold them (scaled out), merged over replicas: a venue is live when one replica has it live. A venue
 * no fresh report names is down since its last report: its data stopped reaching this process.
 */
export class FeedBoard {
  private readonly byExchange = new Map<string, FeedHealth>();
  private readonly reports = new Map<string, FeedReport>();

  /**
   * A scaled-out reader's (a gateway's): its feeds are the ingest processes' reports, so before the first one comes it
   * has none to list yet, which is no quiet market.
   */
  fedByReports = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** A status change from the feeds (prices are kept apart: a reply's coverage is about liquidations). */
  update(h: FeedHealth): void {
    if (h.stream !== 'liquidations') return;
    this.byExchange.set(h.exchange, { ...h });
  }

  /** An ingest process's report (the latest per process counts). */
  report(r: FeedReport): void {
    const prev = this.reports.get(r.instance);
    if (!prev || r.at >= prev.at) this.reports.set(r.instance, { ...r, feeds: r.feeds.filter((f) => f.stream === 'liquidations') });
  }

  /** Every liquidation feed known, by exchange id. Empty offline. */
  list(): FeedHealth[] {
    const out = this.byExchange.size || this.reports.size === 0 ? [...this.byExchange.values()] : this.merged();
    return out.sort((a, b) => a.exchange.localeCompare(b.exchange));
  }

  /**
   * Live, where no feed is listed: why (`configured`: the exchanges this process's config lists; the embedded bot starts
   * a feed for each, so none listed is none configured). Undefined where a feed is listed.
   */
  missing(configured: readonly string[]): NoFeed | undefined {
    if (this.list().length) return undefined;
    if (this.reports.size) return 'unwatched';
    if (this.fedByReports) return 'unreported';
    return configured.length ? undefined : 'unconfigured';
  }

  private merged(): FeedHealth[] {
    const now = this.now();
    const reports = [...this.reports.values()];
    const fresh = reports.filter((r) => now - r.at <= FEED_REPORT_TTL_MS);
    // Once a process reports, a gone one's venues are what the deployment no longer watches: forgotten.
    if (fresh.length) for (const r of reports) if (!fresh.includes(r)) this.reports.delete(r.instance);
    const best = new Map<string, FeedHealth>();
    for (const r of fresh) {
      for (const f of r.feeds) {
        const b = best.get(f.exchange);
        if (!b || FEED_PHASE_RANK[f.state] < FEED_PHASE_RANK[b.state] || (f.state === b.state && f.since < b.since)) best.set(f.exchange, f);
      }
    }
    if (fresh.length) return [...best.values()];
    // No process reports any more: every venue it watched is down since its last word.
    for (const r of reports.sort((a, b) => a.at - b.at)) for (const f of r.feeds) best.set(f.exchange, { ...f, state: 'down', since: f.state === 'down' ? f.since : r.at });
    return [...best.values()];
  }
}

/** What `/healthz` says about the feeds: ok when every venue is live, degraded when some are not, failing when none is. */
export type FeedsHealth = { state: 'ok' | 'degraded' | 'failing'; live: string[]; down: { exchange: string; since: number }[]; connecting: string[] };

export function feedsHealth(feeds: readonly FeedHealth[]): FeedsHealth {
  const liq = feeds.filter((f) => f.stream === 'liquidations');
  const live = liq.filter((f) => f.state === 'live').map((f) => f.exchange);
  const down = liq.filter((f) => f.state === 'down').map((f) => ({ exchange: f.exchange, since: f.since }));
  const connecting = liq.filter((f) => f.state === 'connecting').map((f) => f.exchange);
  const state = liq.length === 0 || live.length === 0 ? 'failing' : live.length < liq.length ? 'degraded' : 'ok';
  return { state, live, down, connecting };
}
