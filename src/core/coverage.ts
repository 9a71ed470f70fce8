/**
 * What the live feeds can vouch for: each exchange's liquidation feed as it last reported (live, connecting,
 * down since when; sampled or complete; pushed or polled), so that every reply can say which venues a figure
 * covers and which it cannot, and never reads an outage as a quiet market. Offline (a data file) there are no
 * feeds: the file is the whole source and nothing here is used.
 */

/**
 * Offline, liquidation prints of any asset less than this far apart are one stretch of recording. A longer silence on
 * every symbol at once is a hole in the file (a recorder that stopped, or a file cut that way): a window there has no
 * liquidation data, which is not the same as a quiet market.
 */
export const RECORDING_GAP_MS = 60 * 60_000;

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
