/**
 * Feed states folded into short human lines per exchange for the terminal, named as replies name it ("Binance", not
 * "binanceusdm"): when an exchange becomes unreachable (any of its streams down) and when it is back (every stream
 * live). Connecting at start-up and one stream flapping while another is already down say nothing new. An exchange
 * that drops again within minutes of coming back is flapping: each such drop is held a little, and one that is back
 * by then is counted instead of told, the count said in one line; a drop that lasts is told. The log keeps every
 * change: this folds only what the prompt prints.
 */
import type { FeedStatus } from '../../feeds/contract.js';
import { venueName } from '../../replies/format.js';

/** A drop within this long of the exchange coming back is a flap; the flaps of one such stretch are said in one line. */
export const FLAP_WINDOW_MS = 5 * 60_000;
/** A drop held as a possible flap and still down after this long is told ("unreachable again"). */
export const FLAP_HOLD_MS = 30_000;

/** Drops that came back before they were told, since the last line about them. */
interface Flaps {
  count: number;
  from: number;
  to: number;
  timer: NodeJS.Timeout;
}

interface Exchange {
  streams: Map<string, FeedStatus>;
  /** What the prompt said last about it: unreachable, or back (nothing yet while it first connects). */
  told: 'down' | 'up' | undefined;
  /** When the current drop began, told or held; undefined while it is not down. */
  downSince: number | undefined;
  /** When it last came back, told or counted. */
  upAt: number | undefined;
  /** The current drop, held to see whether it is a flap. */
  held: NodeJS.Timeout | undefined;
  flaps: Flaps | undefined;
}

export interface StatusLinesOptions {
  /**
   * Prints a line later: a held drop that lasted, the count of flaps. Without it nothing can be held, and every change
   * is told as it comes.
   */
  say?: (line: string) => void;
}

export class ExchangeStatusLines {
  private readonly exchanges = new Map<string, Exchange>();

  constructor(private readonly o: StatusLinesOptions = {}) {}

  /** Fold one status change; returns the line to print now, if this change is news. */
  update(s: FeedStatus): string | undefined {
    let ex = this.exchanges.get(s.exchange);
    if (!ex) this.exchanges.set(s.exchange, (ex = { streams: new Map(), told: undefined, downSince: undefined, upAt: undefined, held: undefined, flaps: undefined }));
    ex.streams.set(s.stream, s);
    const all = [...ex.streams.values()];
    const down = all.find((x) => x.state === 'down');
    if (down && ex.downSince === undefined) return this.dropped(s.exchange, ex, down);
    if (!down && ex.downSince !== undefined && all.every((x) => x.state === 'live')) return this.back(s.exchange, ex, s.since);
    return undefined;
  }

  private dropped(id: string, ex: Exchange, down: FeedStatus): string | undefined {
    // A feed whose recovery did not last reports the outage's first start, from before the line saying it was back.
    const since = Math.max(down.since, ex.upAt ?? -Infinity);
    ex.downSince = since;
    const say = this.o.say;
    if (say && ex.told === 'up' && since - ex.upAt! < FLAP_WINDOW_MS) {
      ex.held = setTimeout(() => {
        ex.held = undefined;
        ex.told = 'down';
        this.sayFlaps(id, ex);
        say(unreachable(id, [...ex.streams.values()].find((x) => x.state === 'down')?.error, ' again'));
      }, FLAP_HOLD_MS);
      ex.held.unref?.();
      return undefined;
    }
    ex.told = 'down';
    return unreachable(id, down.error, '');
  }

  private back(id: string, ex: Exchange, at: number): string | undefined {
    const since = ex.downSince!;
    ex.downSince = undefined;
    ex.upAt = at;
    if (ex.held) {
      clearTimeout(ex.held);
      ex.held = undefined;
      if (!ex.flaps) {
        const timer = setTimeout(() => this.sayFlaps(id, ex), FLAP_WINDOW_MS);
        timer.unref?.();
        ex.flaps = { count: 0, from: since, to: at, timer };
      }
      ex.flaps.count++;
      ex.flaps.to = at;
      return undefined;
    }
    ex.told = 'up';
    return `${venueName(id)} reachable again after ${duration(at - since)}`;
  }

  /** The flaps counted since the last line about them, in one line. */
  private sayFlaps(id: string, ex: Exchange): void {
    const f = ex.flaps;
    if (!f) return;
    clearTimeout(f.timer);
    ex.flaps = undefined;
    const times = f.count === 1 ? 'once, within' : `${f.count} times in ${duration(f.to - f.from)}, each time within`;
    this.o.say?.(`${venueName(id)} dropped and came back ${times} ${duration(FLAP_HOLD_MS)}`);
  }
}

function unreachable(id: string, error: string | undefined, again: string): string {
  return `${venueName(id)} unreachable${again}${error ? ` (${shorten(error)})` : ''}; retrying in the background, replies use stored data meanwhile`;
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
