/**
 * The weekly digest of a chat's levels, assembled from what the bot has: the chat's levels (with the proposals they
 * came from) and the week's proposals that were not adopted, read against the engine's hourly bars and
 * liquidations (core/digest.ts), as one reply with one chart (charts/digest.ts). `/level digest` shows it on
 * demand; when the week turns (`DigestTurns`), each chat that switched it on (`/alerts digest on`) is queued a
 * `digest` post in the durable outbox, by the embedded bot or the core leader, and sent like any alert.
 */
import type { Alert, DigestPost } from '../core/alerts.js';
import { weeklyDigest, type Digest, type DigestItem } from '../core/digest.js';
import type { MarketView } from '../core/market-view.js';
import { seenBy } from '../core/levels.js';
import { statusAt } from '../core/proposals.js';
import { DAY, HOUR, MINUTE } from '../core/time.js';
import { digestAsset, digestImage } from '../charts/digest.js';
import { alertReply } from '../replies/alerts.js';
import { digestReply } from '../replies/digest.js';
import { fromLocal, localDay } from '../replies/zone.js';
import type { Reply } from '../replies/reply.js';
import type { Store, Subscription } from '../store/store.js';

export const WEEK = 7 * DAY;

/**
 * The week ending at `to` (from `from`: the last seven days unless given, as the week the zone's clock turned):
 * the levels the chat watches (its own and the deployment's, as `/levels` shows them, but not the bot's cascade lows)
 * and the proposals made in it, read on hourly bars.
 */
export function chatDigest(market: MarketView, store: Pick<Store, 'listProposals'>, chat: string, to: number, testingPct: number, asset?: string, from = to - WEEK): Digest {
  // As they stood when the week ended: one open past its time is expired (the store does not sweep them).
  const proposals = store.listProposals(chat).map((p) => ({ ...p, status: statusAt(p, to) }));
  const items: DigestItem[] = [];
  for (const l of market.levels.all()) {
    if (l.source === 'cascade' || !seenBy(l, chat) || (asset && l.asset !== asset)) continue;
    const item: DigestItem = { asset: l.asset, level: l.level, since: l.createdAt, watched: true };
    if (l.label) item.label = l.label;
    const track = market.levels.track(l.id);
    if (track?.lastBreak) {
      item.toldBefore = { ts: track.lastBreak.ts, direction: track.lastBreak.direction, undid: track.state === 'reclaimed' };
    }
    const p = l.proposal !== undefined ? proposals.find((x) => x.id === l.proposal) : undefined;
    if (p) item.proposal = p;
    items.push(item);
  }
  // The week's proposals not watched now: not adopted, or adopted and their level removed since (a call that held
  // is still the proposer's).
  for (const p of proposals) {
    if (p.createdAt < from || p.createdAt > to || (asset && p.asset !== asset)) continue;
    if (p.levelId !== undefined ? market.levels.get(p.levelId) : p.status === 'adopted') continue;
    items.push({ asset: p.asset, level: p.level, since: p.createdAt, proposal: p, watched: false });
  }
  return weeklyDigest({
    chat, from, to, items, testingPct,
    // The week [from, to): its last minute is Sunday 23:59, Monday 00:00 is the next week's.
    bars: (a, f, t) => market.prices.bars(a, f, t, HOUR, 'before'),
    liquidations: (a, f, t) => market.buckets.series(a, f, t, HOUR),
    pricesEnd: (a) => pricesEnd(market, a),
  });
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
