/**
 * The weekly digest of a chat's levels, assembled from what the bot has: the chat's levels (with the proposals they
 * came from), the breaks the level engine told of them (what the alerts and /levels said), and the week's proposals
 * that were not adopted, read against the engine's hourly bars and liquidations (core/digest.ts), as one reply with one
 * chart (charts/digest.ts). The week is the calendar week, Monday 00:00 in the community's zone: `/level digest` shows
 * the week so far; when the week turns (`DigestTurns`), each chat that switched it on (`/alerts digest on`) is queued a
 * `digest` post of the week that ended in the durable outbox, by the embedded bot or the core leader, and sent like
 * any alert.
 */
import type { Alert, DigestPost } from '../core/alerts.js';
import { weeklyDigest, type Digest, type DigestItem, type ToldBreak } from '../core/digest.js';
import type { MarketView } from '../core/market-view.js';
import { seenBy, type LevelTrack } from '../core/levels.js';
import { statusAt } from '../core/proposals.js';
import { DAY, HOUR, MINUTE } from '../core/time.js';
import { digestAsset, digestImage } from '../charts/digest.js';
import { alertReply } from '../replies/alerts.js';
import { digestReply } from '../replies/digest.js';
import { fromLocal, localDay } from '../replies/zone.js';
import type { Reply } from '../replies/reply.js';
import type { Store, Subscription } from '../store/store.js';

/**
 * The breaks the level engine told of a level, oldest first: the history it keeps with the level's state (`told`, so a
 * restart keeps it), and its last break (`lastBreak`, what /levels shows) where that history does not reach.
 */
export function toldBreaks(track: LevelTrack | undefined): ToldBreak[] {
  if (!track) return [];
  const told = [...((track as LevelTrack & { told?: readonly ToldBreak[] }).told ?? [])];
  const last = track.lastBreak;
  if (last && !told.some((t) => t.ts === last.ts && t.direction === last.direction)) {
    // The state a break leaves: reclaimed when it undid the one before.
    told.push({ ts: last.ts, direction: last.direction, price: last.price, reclaim: track.state === 'reclaimed' });
    told.sort((a, b) => a.ts - b.ts);
  }
  return told;
}

/**
 * The digest of the calendar week that holds `to` (Monday 00:00 in the community's zone) up to `to`: the week so far,
 * as `/level digest` asks; `from` given (a week that ended at `to`, the posted one), that week. The levels the chat
 * watches (its own and the deployment's, as `/levels` shows them, but not the bot's cascade lows) with the breaks the
 * engine told of them, and the proposals made in the week.
 */
export function chatDigest(market: MarketView, store: Pick<Store, 'listProposals'>, chat: string, to: number, testingPct: number, asset?: string, from?: number): Digest {
  const soFar = from === undefined;
  const week = from ?? weekStart(to);
  // As they stood when the week ended: one open past its time is expired (the store does not sweep them).
  const proposals = store.listProposals(chat).map((p) => ({ ...p, status: statusAt(p, to) }));
  // The week [from, to): a break told at the next Monday 00:00 is the next week's; the week so far includes now.
  const inWeek = (ts: number) => ts >= week && (soFar ? ts <= to : ts < to);
  const items: DigestItem[] = [];
  for (const l of market.levels.all()) {
    if (l.source === 'cascade' || !seenBy(l, chat) || (asset && l.asset !== asset)) continue;
    const told = toldBreaks(market.levels.track(l.id));
    const item: DigestItem = { asset: l.asset, level: l.level, since: l.createdAt, watched: true, told: told.filter((t) => inWeek(t.ts)) };
    if (l.label) item.label = l.label;
    const before = told.filter((t) => t.ts < week).at(-1);
    if (before) item.toldBefore = { ts: before.ts, direction: before.direction, undid: before.reclaim };
    const p = l.proposal !== undefined ? proposals.find((x) => x.id === l.proposal) : undefined;
    if (p) item.proposal = p;
    items.push(item);
  }
  // The week's proposals not watched now: not adopted, or adopted and their level removed since (a call that held
  // is still the proposer's).
  for (const p of proposals) {
    if (p.createdAt < week || p.createdAt > to || (asset && p.asset !== asset)) continue;
    if (p.levelId !== undefined ? market.levels.get(p.levelId) : p.status === 'adopted') continue;
    items.push({ asset: p.asset, level: p.level, since: p.createdAt, proposal: p, watched: false });
  }
  const digest = weeklyDigest({
    chat, from: week, to, items, testingPct,
    // Hourly bars on the week's clock (from Monday 00:00, closing at :00), over [from, to).
    bars: (a, f, t) => market.prices.bars(a, f, t, HOUR, 'before'),
    liquidations: (a, f, t) => market.buckets.series(a, f, t, HOUR),
    // Each break's figure counts what /liqs counts over its window (the vendors' completed hours too).
    windowTotals: (a, f, t) => market.summary(a, '', t - f, t),
    pricesEnd: (a) => pricesEnd(market, a),
  });
  return soFar ? { ...digest, soFar: true } : digest;
}

/** The end of `asset`'s last price's minute (a candle's close): where the data the digest reads stops. */
function pricesEnd(market: MarketView, asset: string): number | undefined {
  const last = market.prices.last(asset)?.ts;
  return last === undefined ? undefined : (Math.floor(last / MINUTE) + 1) * MINUTE;
}

/**
 * The digest a chat is posted when the week turns at `week` (a Monday 00:00 in the community's zone): the week from
 * the Monday before, 167 or 169 hours when the clocks changed in it.
 */
export function postedDigest(market: MarketView, store: Pick<Store, 'listProposals'>, chat: string, week: number, testingPct: number): Digest {
  const digest = chatDigest(market, store, chat, week, testingPct, undefined, weekStart(week - 1));
  // Queued late (a restart within the day), it leaves out levels set after the week ended: not watched in it.
  return { ...digest, levels: digest.levels.filter((l) => l.since <= week) };
}

/** The digest's reply; `chart` attaches its image when a chart renderer is given. */
export function chatDigestReply(digest: Digest, opts: { synthetic: boolean; chart?: (digest: Digest) => Reply['image'] }): Reply {
  const reply = digestReply(digest, { synthetic: opts.synthetic });
  const image = digest.levels.some((l) => l.watched) ? opts.chart?.(digest) : undefined;
  if (image) reply.image = image;
  return reply;
}

/** The week boundary the digest is posted at: Monday 00:00 in the community's zone (config `timeZone`; UTC by default). */
export function weekStart(ms: number): number {
  const d = localDay(ms);
  const weekday = (new Date(d * DAY).getUTCDay() + 6) % 7; // Monday 0
  return fromLocal((d - weekday) * DAY, ms);
}

/**
 * The posts due when the week turned at `week`: one per chat with alerts and the digest on that has levels to tell
 * of, keyed by the week and the chat (the outbox takes one per chat and key, so asking again after a restart posts
 * nothing twice).
 * Each carries its chart's bars.
 */
export function digestPosts(market: MarketView, store: Pick<Store, 'listProposals'>, subs: readonly Subscription[], week: number, testingPct: number): DigestPost[] {
  const out: DigestPost[] = [];
  for (const sub of subs) {
    if (!sub.enabled || sub.digest !== true) continue;
    const digest = postedDigest(market, store, sub.chat, week, testingPct);
    if (digest.levels.length === 0) continue;
    const post: DigestPost = { kind: 'digest', ts: week, asset: 'ALL', key: `digest:${week}:${sub.chat}`, chat: sub.chat, digest };
    const asset = digestAsset(digest);
    if (asset) post.chart = { asset, bars: market.prices.bars(asset, digest.from, digest.to, HOUR, 'before') };
    if (market.synthetic) post.synthetic = true;
    out.push(post);
  }
  return out;
}

/** The reply a chat gets for an alert: a digest post with its chart, drawn from the bars it carries. */
export function renderAlert(a: Alert): Reply {
  if (a.kind !== 'digest') return alertReply(a);
  const chart = a.chart;
  return chatDigestReply(a.digest, { synthetic: a.synthetic === true, ...(chart ? { chart: (d: Digest) => digestImage(d, chart.asset, chart.bars, a.synthetic === true) } : {}) });
}

/**
 * When the week turns (Monday 00:00 in the community's zone): `due` answers each turn once, however late it looks
 * (a rehearsal's clock runs days between looks). Its first look answers a turn less than a day old, so a process
 * started then (a restart, a standby taking over, a bot that was down at midnight) queues the week's posts even so,
 * and the outbox drops those queued before; an older turn is not the week that just ended for anyone.
 */
export class DigestTurns {
  private week: number | undefined;

  due(now: number): number | undefined {
    if (!(now > 0)) return undefined; // no clock yet (a rehearsal before its first event, a market before any)
    const week = weekStart(now);
    const first = this.week === undefined;
    if (!first && week <= this.week!) return undefined;
    this.week = week;
    return !first || now - week < DAY ? week : undefined;
  }
}
