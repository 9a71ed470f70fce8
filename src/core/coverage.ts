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
}

export class FeedBoard {
  private readonly byExchange = new Map<string, FeedHealth>();

  /** A status change from the feeds (prices are kept apart: a reply's coverage is about liquidations). */
  update(h: FeedHealth): void {
    if (h.stream !== 'liquidations') return;
    this.byExchange.set(h.exchange, { ...h });
  }

  /** Every liquidation feed known, by exchange id. Empty offline. */
  list(): FeedHealth[] {
    return [...this.byExchange.values()].sort((a, b) => a.exchange.localeCompare(b.exchange));
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
