/**
 * Feed states folded into one short human line per exchange for the terminal: when an exchange becomes
 * unreachable (any of its streams down) and when it is back (every stream live), named as replies name it ("Binance",
 * not "binanceusdm"). Connecting at start-up and one stream flapping while another is already down say nothing new.
 */
import type { FeedStatus } from '../../feeds/contract.js';
import { venueName } from '../../replies/format.js';

export class ExchangeStatusLines {
  private readonly streams = new Map<string, Map<string, FeedStatus>>();
  private readonly downSince = new Map<string, number>();

  /** Fold one status change; returns the line to print, if this change is news. */
  update(s: FeedStatus): string | undefined {
    let streams = this.streams.get(s.exchange);
    if (!streams) this.streams.set(s.exchange, (streams = new Map()));
    streams.set(s.stream, s);
    const all = [...streams.values()];
    const down = all.find((x) => x.state === 'down');
    const since = this.downSince.get(s.exchange);
    if (down && since === undefined) {
      this.downSince.set(s.exchange, down.since);
      return `${venueName(s.exchange)} unreachable${down.error ? ` (${shorten(down.error)})` : ''}; retrying in the background, replies use stored data meanwhile`;
    }
    if (!down && since !== undefined && all.every((x) => x.state === 'live')) {
      this.downSince.delete(s.exchange);
      return `${venueName(s.exchange)} reachable again after ${duration(s.since - since)}`;
    }
    return undefined;
  }
}

/** The reason in a few words: the network cause when there is one, else the error's first 80 characters. */
export function shorten(error: string): string {
  const dns = /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/.exec(error);
  if (dns) return `cannot resolve ${dns[1]}: no network or DNS`;
  const net = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(error);
  if (net) return { ECONNREFUSED: 'connection refused', ECONNRESET: 'connection reset', ETIMEDOUT: 'timed out', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'no network' }[net[1]!]!;
  const first = error.split('\n')[0]!.replace(/^(\w*Error: )+/, '').trim();
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
