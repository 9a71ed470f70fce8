/**
 * Alerts the core raises: a typed union, so every adapter renders each kind exhaustively
 * (a `Record<Alert['kind'], …>`), checked by the compiler.
 */
import type { PreviousLeg } from './cascades.js';
import type { Digest } from './digest.js';
import type { PositionSide } from './events.js';
import type { Ranking } from './history.js';
import type { FlushLeverage } from './leverage-figures.js';
import type { ChopEnd, LevelValue } from './levels.js';
import type { Ohlc } from './prices.js';

interface AlertBase {
  /** Event time the alert was raised at (ms). */
  ts: number;
  asset: string;
  /** Deterministic identity: the same alert raised twice (a replay, a restart) has the same key. */
  key: string;
}

export interface CascadeFigures {
  cascadeId: string;
  side: PositionSide;
  startedAt: number;
  /** The cascade's total so far (USD). */
  usd: number;
  byExchange: Record<string, number>;
  /**
   * Price when the cascade started and now, and the extreme (low for longs, high for shorts) so far. Once over
   * (`CascadeEnd`), those of its own window: price as it began, as it ended (`priceNow`), the extreme between.
   */
  priceStart?: number;
  priceNow?: number;
  extreme?: number;
  /** Exchanges that fed it and those whose streams are sampled (their amounts are lower bounds). */
  exchanges: string[];
  sampled: string[];
  /** Set while a market-wide flush runs: the flush's message carries this cascade, so chats that follow every
   *  asset hear it there rather than twice (from its start, or from the flush's when the flush took it over: `adopts`). */
  flushId?: string;
  /** Its asset led that flush at its start: chats that follow the asset heard the flush, so they do not hear this too. */
  ledFlush?: true;
  /** It started soon after the last cascade on its asset and side ended: it is that flush's next leg, and its start,
   *  running message and end say so (a chat just told "over" does not read it as a new event). */
  previousLeg?: PreviousLeg;
}

export interface CascadeStart extends AlertBase, CascadeFigures {
  kind: 'cascade';
  /** Liquidations in the detection window, the window length, the start threshold, and what is normal for it. */
  windowUsd: number;
  windowMs: number;
  thresholdUsd: number;
  /** The asset's normal for such a window (its median day scaled to the window); absent with little history. */
  normalUsd?: number;
  /** Price change over the hour before the start, in percent. */
  change1hPct?: number;
}
export interface CascadeUpdate extends AlertBase, CascadeFigures {
  kind: 'cascade_update';
}
export interface CascadeEnd extends AlertBase, CascadeFigures {
  kind: 'cascade_end';
  endedAt: number;
  durationMs: number;
  /**
   * The largest tally its start and updates told (`usd` counts the prints after the last update too, which no message
   * told): what a chat with a minimum heard of it by, so its end goes to the chats that heard of it. Absent on an alert
   * stored (or on the bus) from before it existed: `usd` stands for it then.
   */
  heardUsd?: number;
  /** Where this cascade ranks against the asset's daily totals for the same side (1 = larger than any day). */
  ranking?: Ranking;
  /** Leverage removed, when open interest is known. */
  oi?: { beforeUsd: number; afterUsd: number; venues: number };
  /** Open interest and funding around the flush: what it removed and where leverage remains. */
  leverage?: FlushLeverage;
  /** The cascade's extreme was offered as a level on /levels (only a major flush leaves one). */
  levelOffered?: boolean;
}
export interface LevelBreak extends AlertBase {
  kind: 'level_break';
  levelId: string;
  level: LevelValue;
  label?: string;
  /** `down`: price lost the level from above; `up`: it broke one from below. */
  direction: 'down' | 'up';
  /** True when the break undoes an earlier break (a reclaim or a lost reclaim). */
  reclaim: boolean;
  price: number;
  /** The candle close that confirmed it and its timeframe. */
  timeframe: string;
  /** Undefined for global levels; a chat key for a chat's own level. */
  chat?: string;
  /** Liquidations on the side the break hurts over the last hour, when notable. */
  /** `hourly`: the venues the figure counts from vendor hourly totals (the summary's `coverage.hourly`). */
  liquidations?: { side: PositionSide; usd: number; windowMs: number; cascade: boolean; hourly?: string[] };
  /**
   * Other levels the same close broke the same way: one message for all of them (`kept`: a chop that ended on the side
   * the chat last heard of, as `fromChop.kept`; `fromChop`, what ended that level's chop, when the close ended one).
   */
  also?: { levelId: string; level: LevelValue; label?: string; reclaim: boolean; kept?: true; fromChop?: ChopEnd }[];
  /** The break that ended a chop: how many crossings it had, since when, and what made the close decisive. */
  fromChop?: ChopEnd;
}
/** A level price keeps crossing: said once, then quiet until a decisive close beyond it. */
export interface LevelChop extends AlertBase {
  kind: 'level_chop';
  levelId: string;
  level: LevelValue;
  label?: string;
  chat?: string;
  crosses: number;
  /** The first crossing counted, or when the level was set where price was already crossing it (`setInChop`). */
  since: number;
  setInChop?: true;
  /** The range price has chopped in since then, [low, high]: what a decisive close leaves. */
  range: [number, number];
  price: number;
  timeframe: string;
  /** Other levels whose chop notice fell due on the same close (the range spans theirs too): one message for all. */
  also?: { levelId: string; level: LevelValue; label?: string }[];
  /** What ends the quiet, in figures a trader can watch (absent on an alert stored before it existed): `ChopQuiet`. */
  ends?: ChopQuiet;
}
/**
 * What ends a chop's quiet, as the next close is judged (core/levels.ts `judgeLevel`), for the levels of one notice:
 * - a close out of the range by more than a buffer once closes have stayed beyond the level for `confirmMs`: below
 *   `out[0]` or above `out[1]` as the buffers (they follow the asset's ATR) and the ranges stand now: on the side the
 *   chat last heard of, the range the notice names; back across, the range a level's own closes made, which later
 *   closes move;
 * - a close beyond `atOnce`, without the wait: back `across` from the side the chat last heard of, `decisiveFactor`
 *   buffers beyond the level; on the side a level was set on and never told a break, that far and out of the range too;
 * - back across, closes beyond the level for `decisiveMs`; until `flip.until` (the flip window of the break before)
 *   only when the last is beyond `flip.price`, or not at all without one.
 * `across` and `atOnce` are absent where the levels of one notice were last told on different sides (each ends back
 * across its own way). With several levels, the nearest of their lines, each by its own buffer; `buffer` is the lead's.
 */
export interface ChopQuiet {
  buffer: number;
  out: [number, number];
  confirmMs: number;
  across?: 'above' | 'below';
  atOnce?: { below?: number; above?: number };
  decisiveMs: number;
  flip?: { until: number; price?: number };
}
/** A market-wide flush's figures: its tally since it started, every asset together, and the assets that led. */
interface FlushFigures {
  flushId: string;
  /** The assets that led it when it started (the message's leaders then): chats that follow one of them hear it.
   *  Absent on an alert stored (or on the bus) from before it existed: chats that follow every asset hear it then. */
  leadAssets?: string[];
  side: PositionSide;
  startedAt: number;
  /** Liquidations on the side, every asset together: in the window at the start, since the start after. */
  usd: number;
  /**
   * How many assets took part, and the leaders with their share of `usd` (0..1), their price move since the flush began
   * (%, to now; to its end once over) and their low (a long flush) or high (a short one) over the same stretch.
   */
  assetCount: number;
  leaders: { asset: string; usd: number; share: number; changePct?: number; extreme?: number }[];
  exchanges: string[];
  sampled: string[];
  /** `usd` per exchange, largest first (a cascade's `byExchange`). Absent on an alert stored from before it existed. */
  byExchange?: Record<string, number>;
  /**
   * Live, what the tally counts: every contract on `everyContract` (the venues among `exchanges` whose all-market
   * stream fed the bot), the `assets` configured ones on the others. Absent offline (a file counts every asset it holds)
   * and on an alert stored from before it existed.
   */
  counted?: { everyContract: string[]; assets: number };
  /** It started soon after the last flush on its side ended: that flush's next leg, as a cascade's `previousLeg`. */
  previousLeg?: PreviousLeg;
}
/** Many assets liquidating together: one message with the total, the assets that led and each one's share. */
export interface MarketFlush extends AlertBase, FlushFigures {
  kind: 'market_flush';
  asset: 'ALL';
  windowMs: number;
  /**
   * The cascade on its side it takes over (its id; a list, the latest last, for what a later rule may add): the latest
   * running when it began whose start was raised within its window. From now on it carries its `flushId` as one that
   * starts inside it does, and where a chat has its message this start edits it rather than posting again. Absent when
   * none (and on an alert stored from before it existed).
   */
  adopts?: string[];
}
/** The flush's tally grew: the running message is edited, like a cascade's. */
export interface MarketFlushUpdate extends AlertBase, FlushFigures {
  kind: 'market_flush_update';
  asset: 'ALL';
}
/** The flush is over: its window ends at its last strong print. */
export interface MarketFlushEnd extends AlertBase, FlushFigures {
  kind: 'market_flush_end';
  asset: 'ALL';
  endedAt: number;
  durationMs: number;
  /** The largest tally its start and updates told, as a cascade end's `heardUsd` (absent: `usd` stands for it). */
  heardUsd?: number;
}

/**
 * One chat's weekly digest of its levels, queued when the week turns (alerts/digest.ts) to go through the outbox like
 * any alert: it carries what its chart shows, since the process that sends it may have no market.
 */
export interface DigestPost extends AlertBase {
  kind: 'digest';
  asset: 'ALL';
  /** The only chat it goes to (`/alerts digest on`). */
  chat: string;
  digest: Digest;
  /** The chart's asset and the week's hourly bars of it. */
  chart?: { asset: string; bars: Ohlc[] };
  synthetic?: true;
}

export type Alert = CascadeStart | CascadeUpdate | CascadeEnd | LevelBreak | LevelChop | MarketFlush | MarketFlushUpdate | MarketFlushEnd | DigestPost;
export type AlertKind = Alert['kind'];
/** What a chat subscribes to: the cascade family or the level family (the digest is switched on apart). */
export type AlertFamily = 'cascade' | 'level';

export function familyOf(kind: AlertKind): AlertFamily {
  return kind === 'level_break' || kind === 'level_chop' || kind === 'digest' ? 'level' : 'cascade';
}
