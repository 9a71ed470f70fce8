/**
 * `/status`: what the bot sees right now, venue by venue (is the feed live, complete or sampled, when did its last
 * liquidation print arrive), each asset's last price, and whether this chat gets alerts. The question a trader asks before trusting a quiet
 * `/liqs`, and an admin asks after setting the bot up.
 */
import { FEED_PHASE_RANK, type FeedHealth } from '../core/coverage.js';
import type { Coverage } from '../core/summary.js';
import { isSampled } from '../core/venues.js';
import { duration, price, stamp, venueLabel, venueName, whenWord } from './format.js';
import { b, code, toned, type Line, type Reply } from './reply.js';

export interface StatusInput {
  /** The live liquidation feeds (empty: none in this process). */
  feeds: readonly FeedHealth[];
  /** Each venue's latest liquidation print, by the name its events carry. */
  lastPrints: ReadonlyMap<string, number>;
  /** The market's clock. */
  now: number;
  /** The configured assets, and how many more the data brought (a venue's every symbol). */
  assets: readonly string[];
  others: number;
  /** The assets whose last price is said: the tracked ones and those the chat watches levels on. */
  priced: readonly string[];
  /** An asset's last price (a tick, a candle's close or a print's fill), when there is one: `at`, when it was (a candle's close time). */
  lastPrice: (asset: string) => { at: number; price: number } | undefined;
  /** The configured assets no watched exchange lists as a perpetual swap, once every venue's market list has loaded. */
  unlisted: readonly string[];
  /** A file's or a rehearsal's recording, when that is what the market reads (a window's coverage says so). */
  recorded?: Coverage['recorded'];
  /** Live without a liquidation feed: why (a window's coverage says so). */
  noFeed?: Coverage['noFeed'];
  synthetic: boolean;
  /** This chat's alerts are on (a chat that never set them reads off). */
  alerts: boolean;
  /** Each venue's last open interest and funding update (over the tracked assets), and whether it is too old to be current. */
  leverage?: readonly LeverageFreshness[];
}

export interface LeverageFreshness {
  exchange: string;
  oi?: { ts: number; stale: boolean };
  funding?: { ts: number; stale: boolean };
}

function freshness(what: string, f: { ts: number; stale: boolean } | undefined, now: number): Line[number] {
  if (!f) return toned(`no ${what}`, 'muted');
  return f.stale ? toned(`${what} stale since ${whenWord(f.ts, now)}`, 'warn') : `${what} ${whenWord(f.ts, now)}`;
}

/** "Bybit: open interest 05:55 · funding 05:55", "Binance: open interest stale since Jan 28 19:55 · funding 00:00". */
function leverageLines(rows: readonly LeverageFreshness[], now: number): Line[] {
  if (rows.length === 0) return [];
  const sorted = [...rows].sort((a, c) => a.exchange.localeCompare(c.exchange));
  return [
    [b('Open interest & funding'), toned(' (last update)', 'muted')],
    ...sorted.map((r): Line => [b(venueName(r.exchange)), ': ', freshness('open interest', r.oi, now), ' · ', freshness('funding', r.funding, now)]),
  ];
}

function feedLine(f: FeedHealth, last: number | undefined, now: number): Line {
  const state =
    f.state === 'live' ? toned(`live since ${whenWord(f.since, now)}`, 'up') : f.state === 'down' ? toned(`unreachable since ${whenWord(f.since, now)}`, 'down', true) : toned(`connecting since ${whenWord(f.since, now)}`, 'warn');
  const kind = f.polledEveryMs ? `polled every ${duration(f.polledEveryMs)}` : f.sampled ? 'sampled' : 'every liquidation';
  const print = last !== undefined ? `last print ${whenWord(last, now)}` : f.state === 'live' ? 'no print yet' : '';
  return [b(venueLabel(f.exchange, f.sampled)), ': ', state, ` · ${kind}`, ...(print ? [` · ${print}`] : [])];
}

/** "BTC $104,200 at 07:20" (a candle's price at its close), "ETH none yet", "ETJ: listed on none of the watched exchanges". */
function lastPrice(asset: string, p: { at: number; price: number } | undefined, unlisted: readonly string[], now: number): string {
  if (p) return `${asset} ${price(p.price)} at ${whenWord(p.at, now)}`;
  return unlisted.includes(asset) ? `${asset}: listed on none of the watched exchanges` : `${asset} none yet`;
}

export function statusReply(s: StatusInput): Reply {
  const lines: Line[] = [[b('Liquidation feeds')]];
  if (s.feeds.length) {
    const feeds = [...s.feeds].sort((a, c) => FEED_PHASE_RANK[a.state] - FEED_PHASE_RANK[c.state] || a.exchange.localeCompare(c.exchange));
    for (const f of feeds) lines.push(feedLine(f, s.lastPrints.get(f.exchange), s.now));
  } else {
    // No feed reports to this process: a file, a rehearsal, a bot without an exchange, or a scaled-out reader before an
    // ingest process's first report (or whose ingest processes watch none).
    lines.push([
      s.recorded ? (s.recorded.soFar ? 'None live: a rehearsal is replaying a recorded day.' : 'None live: the data is a recorded file.')
      : s.noFeed === 'unconfigured' ? 'None: no exchange is configured (config `exchanges` is empty), so no liquidation or price data comes in.'
      : s.noFeed === 'unwatched' ? 'None: the ingest processes that report watch no exchange.'
      : 'No feed has reported to this process yet (scaled out, each ingest process reports its venues every 30 s).',
    ]);
    const seen = [...s.lastPrints].sort((a, c) => c[1] - a[1]);
    if (seen.length) for (const [ex, ts] of seen) lines.push([b(venueLabel(ex, isSampled(ex))), `: last print ${whenWord(ts, s.now)}`]);
    else lines.push([s.recorded && !s.recorded.soFar ? 'The file has no liquidation prints.' : 'No liquidation print seen yet.']);
  }
  const sampled = s.feeds.length ? s.feeds.some((f) => f.sampled) : [...s.lastPrints.keys()].some(isSampled);
  if (sampled) lines.push([toned('*sampled: at most one liquidation per symbol each second is published, so its sums are lower bounds.', 'muted')]);
  const down = s.feeds.filter((f) => f.state !== 'live');
  if (s.feeds.length && down.length === s.feeds.length) lines.push([toned('No venue is live: replies answer from stored data and say so.', 'warn')]);
  const leverage = s.leverage && Number.isFinite(s.now) ? leverageLines(s.leverage, s.now) : [];
  const chat: Line[] = [
    [b('Tracked: '), s.assets.join(', '), s.others ? ` (and ${s.others} more seen in the data)` : ''],
    // A price that stopped coming is a level that cannot break: when each last came.
    [b('Last prices: '), s.priced.map((a) => lastPrice(a, s.lastPrice(a), s.unlisted, s.now)).join(' · ')],
    [b('Alerts here: '), s.alerts ? 'on' : 'off', ' (', code('/alerts'), ')'],
  ];
  // A market that has seen no event yet has no moment to stamp.
  const footer = [...(Number.isFinite(s.now) ? [stamp(s.now)] : []), ...(s.synthetic ? ['SYNTHETIC demo data'] : [])].join(' · ');
  return { title: ['Status'], blocks: [lines, ...(leverage.length ? [leverage] : []), chat], ...(footer ? { footer: [toned(footer, 'muted')] } : {}), tone: 'info' };
}
