/**
 * Levels a community watches and what price is doing at them. A level is a price or a zone; its role
 * follows price (support below, resistance above, "inside" a zone), so support that breaks becomes
 * resistance by itself. A break is a candle close beyond the level by a buffer that follows the asset's own
 * volatility (a multiple of its ATR, a percentage as the floor), never a wick; a level price keeps crossing
 * chops: it is said once, then quiet until a decisive close.
 */
import type { ClosedCandle } from './prices.js';
import type { LevelEvent } from './events.js';

/** A level: one price, or a zone [low, high]. */
export type LevelValue = number | [number, number];

export type Role = 'support' | 'resistance' | 'inside';
/** A level's state as its track keeps it (and the store): `reclaimed` is any break that undid the one before, either way. */
export type BaseState = 'holding' | 'broken' | 'reclaimed';
/**
 * What the chat was told of a level, in its words: `reclaimed` is a level lost and won back (price above it again),
 * `failed_breakout` a break up that fell back below within a day (price below it, resistance again), never "reclaimed".
 */
export type ToldState = BaseState | 'failed_breakout';
/** What `/levels` shows (`unknown` without a price): `testing` near a level, inside a zone, or across it before a close confirms it; `chopping` while price keeps crossing it. */
export type ShownState = ToldState | 'testing' | 'chopping' | 'unknown';

export interface Level {
  id: string;
  asset: string;
  level: LevelValue;
  label?: string;
  chat?: string;
  source: 'config' | 'event' | 'chat' | 'cascade';
  createdAt: number;
  expiresAt?: number;
  /** A chat's level adopted from a member's proposal (core/proposals.ts): that proposal's id. */
  proposal?: string;
  /** The message its alerts answer (where it was proposed or adopted), and that message's topic or channel. */
  thread?: { ref: string; target?: string };
}

/** The levels a chat sees: its own, and the deployment's (config, the event file, cascade levels) that every chat sees. */
export function seenBy(level: Level, chat: string | undefined): boolean {
  return level.chat === undefined || level.chat === chat;
}

/** A break the engine told (an alert's `level_break`): its close's end and price, and whether it undid the last one. */
export interface ToldBreak {
  ts: number;
  direction: 'up' | 'down';
  reclaim: boolean;
  price: number;
}

/** How long told breaks are kept with a level's state: the weekly digest of a week posted up to a day late, and more. */
export const TOLD_KEEP_MS = 15 * 24 * 3_600_000;

export interface LevelTrack {
  id: string;
  position?: 'above' | 'below';
  state: BaseState;
  changedAt: number;
  lastBreak?: { ts: number; direction: 'up' | 'down'; price: number };
  /** The breaks told within `TOLD_KEEP_MS` of the last, oldest first (stored with the state): what the weekly digest tells. */
  told?: ToldBreak[];
  /** The side of the last close beyond the buffer, and when closes crossed sides within the chop window. */
  seen?: 'above' | 'below';
  crossings?: number[];
  /**
   * Set while the level chops: announced once, quiet until a decisive close; `since` is the first crossing counted
   * (before the level was set, for a level set into a chop), `low`/`high` the closes' range since, `crosses` the
   * crossings since, or since the level was set when that is later (a chop outlives the window its first crossings
   * fell in; a level's words never count the crossings of a price before it was a level). `noticeDue`: the notice is
   * not said yet, and will be at the first close from then on while it still chops (later while a break is near:
   * `breakingSoon`). `said`: the notice was said and no message has ended the chop since: its end is told either way;
   * `told`, the range the notice named: the chop's end on the side the chat last heard of is a close out of it (by a
   * buffer), not out of the rolling `low`/`high`, which a slow grind drags along close by close. `heard`: the chat has
   * heard of this chop, by its notice or by a break that counted it ("after 2 crosses since 08:15"): `/levels` reads
   * chopping only then (`said` alone, for a track stored before `heard` was).
   */
  chop?: { since: number; crosses: number; low: number; high: number; resolved?: 'above' | 'below'; noticeDue?: number; said?: true; told?: [number, number]; heard?: true };
  /** The last told break went far beyond the level (by the decisive margin): its undoing is news at once. */
  real?: boolean;
  /** A zone set with price inside it: the first close beyond it, either way, is told. */
  setInside?: boolean;
  /** Consecutive closes beyond the level itself (no buffer): on which side, since the first one's open. */
  beyond?: { side: 'above' | 'below'; since: number };
}

export interface LevelBreakEvent {
  level: Level;
  direction: 'up' | 'down';
  reclaim: boolean;
  price: number;
  ts: number;
  /** Set when the break ends a chop: how many crossings it had and since when, and what made the close decisive. */
  fromChop?: ChopEnd;
  /** Told because another level's break crossed it (joinCrossed), not by its own rules: it does not lead a tie. */
  joined?: true;
}

/**
 * What ended a chop: a close more than `margin` beyond the level (`far`: `decisiveFactor` buffers, as the close was
 * judged), closes beyond it for `heldMs`, at least the `decisiveMs` a chop's end takes (`held`; `clear`: inside the
 * range within `flipMs` of a break, how far beyond the level the last of them had to be, `flipBuffers` buffers), or a
 * close out of the range the chop closed in by more than `buffer` (the one the close was judged with: it follows the
 * asset's ATR) once closes had been beyond the level for `confirmMinutes` (`range`, the closes' low and high, `heldMs`
 * the closes beyond the level by then; `told`: the range its notice said, where the close left that one too:
 * `leftRange`); or none of its own: the break of `with` on the same close crossed it on the same price line (`joined`,
 * `joinCrossed`). `margin`, `decisiveMs`, `clear`, `buffer` and `heldMs` are absent on an alert stored before they
 * existed (as `joined` is: such a chop ended unsaid then). `kept`: the close left the range on the side the chat last
 * heard of, after a chop notice: nothing it was told changes (the level is not broken again), but the notice promised
 * the chop's end.
 */
export type ChopEnd = ChopCount & { kept?: true } & (
  | { by: 'far'; margin?: number }
  | { by: 'held'; heldMs: number; decisiveMs?: number; clear?: number }
  | { by: 'range'; range: [number, number]; told?: true; buffer?: number; heldMs?: number }
  | { by: 'joined'; with: LevelValue }
);

/**
 * How many times price crossed a chopping level, and since when: its first crossing counted, or, for a level set where
 * price was already crossing it (`setInChop`), the level's creation: a level's words never count the crossings of a
 * price before it was a level.
 */
export interface ChopCount {
  crosses: number;
  since: number;
  setInChop?: true;
}

export interface LevelChopEvent extends ChopCount {
  level: Level;
  /** The range price has chopped in since then (the closes, and the level's buffer either side): what a decisive close leaves. */
  range: [number, number];
  price: number;
  ts: number;
}

export interface LevelView {
  level: Level;
  role: Role;
  /** Signed distance from price to the level's nearest edge, in percent of price (negative: below). */
  distancePct: number;
  state: ShownState;
  baseState: ToldState;
  /**
   * Set when price is across the level from the side the chat was last told (a break not yet confirmed, or not told):
   * the side price is on. The state is then `testing`, whatever the last close or the told state says.
   */
  across?: 'above' | 'below';
  /** Set with price inside it and no close out of it since: no side was ever told, so `across` is only where price is. */
  sideUntold?: true;
  lastBreak?: LevelTrack['lastBreak'];
  /**
   * The break buffer a close is judged with now (`LevelBook.buffer`: the asset's ATR, a percentage as the floor): a level
   * within it of another is on the same floor, not the next one a close below that one exposes. Absent without a price.
   */
  buffer?: number;
  /** The level's chop, counted as its messages count it (`ChopCount`): only a chop the chat has heard of. */
  chop?: NonNullable<LevelTrack['chop']> & ChopCount;
}

/**
 * Two levels whose edges lie within this many of the broken one's buffers are one price line ($3,900 and $3,885.09
 * with a $30 buffer): a close that breaks one and crosses the other tells both in one message, whatever the other's
 * chop or cooldown (docs/level-measurements.md, "One price line, one message").
 */
const SAME_LINE_BUFFERS = 0.5;

/** A breakout undone within a day failed; one that held longer made the level support, and losing it is a break of its own. */
const BREAKOUT_FAILS_MS = 24 * 3_600_000;

/**
 * Whether a break in `direction` undoes the level's last one: a reclaim of a level lost (however long ago), or a
 * breakout that fell back within a day ("fell back below $4,200: breakout failed"). A level broken up a week ago
 * was support since; losing it is "lost $120,000", not a failed breakout.
 */
function undoes(track: LevelTrack, direction: 'up' | 'down', ts: number): boolean {
  const last = track.lastBreak;
  if (track.state !== 'broken' || last === undefined || last.direction === direction) return false;
  return direction === 'up' || ts - last.ts <= BREAKOUT_FAILS_MS;
}

export function bounds(v: LevelValue): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

export function levelKey(asset: string, v: LevelValue): string {
  return typeof v === 'number' ? `${asset}@${v}` : `${asset}@${v[0]}-${v[1]}`;
}

/** A level's id, spelled one way: its key (`ETH@2350`), prefixed by the chat that owns it (`telegram:-100…:ETH@2350`). */
export function levelId(asset: string, v: LevelValue, chat?: string): string {
  return chat === undefined ? levelKey(asset, v) : `${chat}:${levelKey(asset, v)}`;
}

/** A level as a config writes it (`levels.defaults`, config/schema.ts): a price or a zone, with a label or not. */
export type ConfigLevel = { asset: string; label?: string } & ({ price: number } | { low: number; high: number });

/** The levels a config sets (`levels.defaults`), which apply to every chat, as the market holds them from `now`. */
export function configLevels(config: { levels: { defaults: readonly ConfigLevel[] } }, now: number): Level[] {
  return config.levels.defaults.map((d) => {
    const level: LevelValue = 'price' in d ? d.price : [d.low, d.high];
    const l: Level = { id: levelId(d.asset, level), asset: d.asset, level, source: 'config', createdAt: now };
    if (d.label !== undefined) l.label = d.label;
    return l;
  });
}

/** The level a `level` event adds to the market. */
export function levelOfEvent(e: LevelEvent): Level {
  return {
    id: levelId(e.asset, e.level, e.chat),
    asset: e.asset,
    level: e.level,
    ...(e.label !== undefined ? { label: e.label } : {}),
    ...(e.chat !== undefined ? { chat: e.chat } : {}),
    source: 'event',
    createdAt: e.ts,
  };
}

/** A track's state as the chat was told it: the undoing of a break up (`reclaimed` in the track) is a failed breakout. */
export function toldState(track: Pick<LevelTrack, 'state' | 'lastBreak'>): ToldState {
  return track.state === 'reclaimed' && track.lastBreak?.direction === 'down' ? 'failed_breakout' : track.state;
}

export function roleAt(v: LevelValue, price: number): Role {
  const [lo, hi] = bounds(v);
  return price > hi ? 'support' : price < lo ? 'resistance' : 'inside';
}

/**
 * The side price is on when that is across the level from what the chat was last told (`position`, or inside a zone
 * set around price): "reclaimed" is not what a level reads while price trades below it, however the last closes went,
 * until a break is told. Undefined on the told side, inside a zone, or before any side is known.
 */
function acrossFromTold(track: LevelTrack, role: Role): 'above' | 'below' | undefined {
  if (role === 'inside') return undefined;
  const side = role === 'support' ? 'above' : 'below';
  if (track.setInside) return side;
  return track.position !== undefined && side !== track.position ? side : undefined;
}

export function distancePct(v: LevelValue, price: number): number {
  const [lo, hi] = bounds(v);
  const edge = price > hi ? hi : price < lo ? lo : price;
  return ((edge - price) / price) * 100;
}

export interface LevelRules {
  /** The smallest break buffer, in percent of the level. */
  breakBufferPct: number;
  /** The buffer grows with the asset's own volatility: this many average true ranges of the levels' candles. */
  atrMultiple: number;
  atrPeriods: number;
  testingPct: number;
  /** After a break, the opposite break waits at least this long (a candle or two is not a reclaim). */
  cooldownMs: number;
  /** Crossings counted over this long... */
  chopWindowMs: number;
  /** ...and a level crossed this many times in it is chopping: said once, then quiet until a decisive close. */
  chopCrosses: number;
  /** A chop's range is the closes of its last this long (since it began, at most) and the level's buffer either side. */
  chopRangeMs: number;
  /** A decisive close: beyond the level by this many buffers... */
  decisiveFactor: number;
  /** ...or closes beyond the level for this long. */
  decisiveMs: number;
  /** Closes beyond the level (inside the buffer) for this long are a break too: a slow break is still told. */
  acceptMs: number;
  /** After a break that did not go far, the opposite break within this long needs a decisive close: a channel reads it as a whipsaw. */
  flipMs: number;
  /** ...and while the level chops, closes beyond it for `decisiveMs` count then only when the last is this many buffers beyond. */
  flipBuffers: number;
  /** Once a level has been told broken, a new break is closes beyond it for this long, the last beyond the buffer (one close far beyond is enough). */
  confirmMs: number;
}

interface Atr {
  prevClose?: number;
  value: number;
  n: number;
}

type Outcome = { kind: 'break'; event: LevelBreakEvent } | { kind: 'chop'; event: LevelChopEvent };

/**
 * When a level was set, as its chop counts take it: a chat's or the stream's level at its `createdAt`; a configured
 * one never (-Infinity): it is rebuilt with the start time at every restart or takeover, which is not when anyone set
 * it, so it counts every crossing its track holds, as before levels counted from when they were set.
 */
function setAt(level: Level): number {
  return level.source === 'config' ? -Infinity : level.createdAt;
}

/**
 * The range a chop's end out of its range names: the one its notice said, where the close left that one too by the
 * buffer, else the range its closes made since, which the close left by the buffer (a notice's range the closes have
 * since moved away from is not the one left). BTC's $69,381.7, said chopping "between $69,174 and $69,777" at 06:30 on
 * Jul 29 2024, fell back below at 14:15 on "a close below $69,143, the bottom of the range it chopped in": a bottom the
 * chat was never told. By the buffer, as the close was judged: SUI's $2.3 closed $0.01815 over its notice's top at
 * 02:30 on Mar 30 2025, inside its $0.01839 buffer, and $0.01841 over the closes' top: that is the range it left.
 * Naming only: which close ends the chop is `judgeLevel`'s.
 */
function leftRange(chop: NonNullable<LevelTrack['chop']>, close: number, buffer: number): [number, number] {
  const told = chop.told;
  return told && (close < told[0] - buffer || close > told[1] + buffer) ? told : [chop.low, chop.high];
}

export class LevelBook {
  private readonly levels = new Map<string, Level>();
  private readonly tracks = new Map<string, LevelTrack>();
  private readonly atrs = new Map<string, Atr>();
  /** Each asset's recent closes (within the chop window): the range a chop closed in. */
  private readonly closes = new Map<string, { end: number; close: number }[]>();

  /** Levels whose track changed without a break (a crossing): the store keeps them too, so chop survives a restart. */
  readonly touched = new Set<string>();

  constructor(private readonly rules: LevelRules) {}

  all(): Level[] {
    return [...this.levels.values()];
  }

  get(id: string): Level | undefined {
    return this.levels.get(id);
  }

  track(id: string): LevelTrack | undefined {
    return this.tracks.get(id);
  }

  /** The asset's average true range on the levels' timeframe (Wilder's), once it has a few candles. */
  atr(asset: string): number | undefined {
    const a = this.atrs.get(asset);
    return a && a.n >= Math.min(3, this.rules.atrPeriods) ? a.value : undefined;
  }

  /** The break buffer of a level now: the floor percentage, or more when the asset is volatile. */
  buffer(asset: string, v: LevelValue): number {
    const [lo, hi] = bounds(v);
    const floor = ((lo + hi) / 2) * (this.rules.breakBufferPct / 100);
    const atr = this.atr(asset);
    return atr === undefined ? floor : Math.max(floor, this.rules.atrMultiple * atr);
  }

  /** Add (or replace) a level; its position starts from the current price when one is known. */
  add(level: Level, price?: number, restored?: LevelTrack): void {
    this.levels.set(level.id, level);
    if (restored) {
      this.tracks.set(level.id, { ...restored, id: level.id });
      return;
    }
    const existing = this.tracks.get(level.id);
    if (existing) return;
    const track: LevelTrack = { id: level.id, state: 'holding', changedAt: level.createdAt };
    this.seedCrossings(level, track);
    if (price !== undefined) {
      const role = roleAt(level.level, price);
      if (role !== 'inside') track.position = role === 'support' ? 'above' : 'below';
      else track.setInside = true;
    }
    this.tracks.set(level.id, track);
  }

  /**
   * A level set where price has already been crossing it knows those crossings: the asset's closes within the
   * chop window are read as if the level had been watched (the same buffer, the side of each close beyond it),
   * so a level price chopped around all day chops from its first cross, not a fresh break and reclaim first.
   */
  private seedCrossings(level: Level, track: LevelTrack): void {
    const closes = this.closes.get(level.asset);
    if (!closes?.length) return;
    const [lo, hi] = bounds(level.level);
    const buffer = this.buffer(level.asset, level.level);
    const last = closes[closes.length - 1]!.end;
    const crossings: number[] = [];
    let seen: 'above' | 'below' | undefined;
    for (const x of closes) {
      if (last - x.end >= this.rules.chopWindowMs) continue;
      const side = x.close < lo - buffer ? 'below' : x.close > hi + buffer ? 'above' : undefined;
      if (!side || side === seen) continue;
      if (seen !== undefined) crossings.push(x.end);
      seen = side;
    }
    if (seen !== undefined) track.seen = seen;
    if (crossings.length) track.crossings = crossings;
  }

  remove(id: string): boolean {
    this.tracks.delete(id);
    return this.levels.delete(id);
  }

  /** Drop auto levels past their expiry. */
  expire(now: number): Level[] {
    const gone: Level[] = [];
    for (const l of this.levels.values()) {
      if (l.expiresAt !== undefined && l.expiresAt <= now) {
        gone.push(l);
        this.remove(l.id);
      }
    }
    return gone;
  }

  private updateAtr(asset: string, c: ClosedCandle): void {
    let a = this.atrs.get(asset);
    if (!a) this.atrs.set(asset, (a = { value: 0, n: 0 }));
    const tr = a.prevClose === undefined ? c.high - c.low : Math.max(c.high, a.prevClose) - Math.min(c.low, a.prevClose);
    a.n = Math.min(a.n + 1, this.rules.atrPeriods);
    a.value += (tr - a.value) / a.n;
    a.prevClose = c.close;
  }

  /** Judge a closed candle against every level of its asset; returns the breaks it confirms. */
  onClose(asset: string, c: ClosedCandle): LevelBreakEvent[] {
    return this.judge(asset, c).flatMap((o) => (o.kind === 'break' ? [o.event] : []));
  }

  /**
   * Judge a closed candle: breaks and chop notices. A close beyond the buffer on the other side from the last
   * one is a crossing; a level crossed `chopCrosses` times within the chop window chops: one notice, then
   * quiet until a decisive close (beyond by `decisiveFactor` buffers, beyond the level for `decisiveMs`, or out of
   * the range the chop closed in after `confirmMs` beyond the level), which is told as a break. Outside a chop, a
   * break is told at once, and so is the undoing of a real one (a break that went `decisiveFactor` buffers beyond).
   */
  judge(asset: string, c: ClosedCandle): Outcome[] {
    const out: Outcome[] = [];
    this.judgeLevels(asset, c, out);
    // The candle that is judged does not widen its own buffer: a flush candle is judged on the range before it.
    this.updateAtr(asset, c);
    let closes = this.closes.get(asset);
    if (!closes) this.closes.set(asset, (closes = []));
    closes.push({ end: c.end, close: c.close });
    let drop = 0;
    while (drop < closes.length && c.end - closes[drop]!.end > this.rules.chopWindowMs) drop++;
    if (drop > 64) closes.splice(0, drop); // trimmed in batches: a shift per candle would copy the array each time
    return out;
  }

  private judgeLevels(asset: string, c: ClosedCandle, out: Outcome[]): void {
    const due: Level[] = [];
    const rolls: [Level, LevelTrack, NonNullable<LevelTrack['chop']>][] = [];
    for (const level of this.levels.values()) {
      if (level.asset !== asset) continue;
      const track = this.tracks.get(level.id)!;
      const chop = track.chop;
      const o = this.judgeLevel(asset, level, track, c);
      if (o) out.push(o);
      else if (track.chop?.noticeDue !== undefined && c.end >= track.chop.noticeDue) due.push(level);
      if (chop && track.chop === chop) rolls.push([level, track, chop]);
    }
    this.joinCrossed(asset, c, out);
    // A break that ends a chop says it ("after 2 crosses since 08:15"): the chat has heard of that chop now.
    for (const o of out) {
      const chop = o.kind === 'break' && o.event.fromChop ? this.tracks.get(o.event.level.id)!.chop : undefined;
      if (chop && !chop.heard) {
        chop.heard = true;
        this.touched.add(o.event.level.id);
      }
    }
    // Notices once every level has been judged on this close: one waits for a neighbour's break, or takes it along.
    this.sayNotices(asset, c, due, out);
    // A chop's range follows its closes after each is judged: a close out of it is what ends the chop.
    for (const [level, track, chop] of rolls) this.rollRange(asset, level, track, chop, c);
  }

  /**
   * A chop's range is the closes of its last `chopRangeMs` (since it began, at most) and the level's buffer either
   * side: where price has been chopping lately, not every close since a crash days ago ("ETH chopping around $4,100
   * between $3,617 and $4,197" three days after a flush through it). Until the closes held cover that long (after a
   * restart), the range only grows.
   */
  private rollRange(asset: string, level: Level, track: LevelTrack, chop: NonNullable<LevelTrack['chop']>, c: ClosedCandle): void {
    const closes = this.closes.get(asset) ?? [];
    const covered = closes.length > 0 && closes[0]!.end <= Math.max(chop.since, c.end - this.rules.chopRangeMs);
    const [low, high] = covered ? this.chopRange(asset, level, chop.since, c) : [Math.min(chop.low, c.close), Math.max(chop.high, c.close)];
    if (low === chop.low && high === chop.high) return;
    chop.low = low;
    chop.high = high;
    this.touched.add(track.id);
  }

  /** The closes of a chop begun at `since`, its last `chopRangeMs` of them and `c`, and the level's buffer either side. */
  private chopRange(asset: string, level: Level, since: number, c: ClosedCandle): [number, number] {
    const [lo, hi] = bounds(level.level);
    const buffer = this.buffer(asset, level.level);
    const from = Math.max(since, c.end - this.rules.chopRangeMs);
    let low = Math.min(lo - buffer, c.close);
    let high = Math.max(hi + buffer, c.close);
    const closes = this.closes.get(asset) ?? [];
    for (let i = closes.length - 1; i >= 0 && closes[i]!.end >= from; i--) {
      const x = closes[i]!.close;
      if (x < low) low = x;
      if (x > high) high = x;
    }
    return [low, high];
  }

  /**
   * Levels a close crossed on its way beyond a level it broke (the same way, for the same chat) are told in
   * that break: "BTC lost $81,601 and $81,172" once, not $81,172 again a candle later. A level that chops, or
   * was told a moment ago, keeps its own rules, unless it is on a price line the close broke: its edge that way is
   * a broken level's own (a prior low and the zone above it) or within half a buffer of it (`SAME_LINE_BUFFERS`),
   * or it lies inside a broken zone. Then it is one message, and the chop it was in ends with it.
   */
  private joinCrossed(asset: string, c: ClosedCandle, out: Outcome[]): void {
    // A chop's end on the side the chat last heard of is not a break: it crossed nothing new, so it joins nothing.
    const breaks = out.flatMap((o) => (o.kind === 'break' && !o.event.fromChop?.kept ? [o.event] : []));
    if (!breaks.length) return;
    const judged = new Set(out.map((o) => o.event.level.id));
    const edge = (v: LevelValue, direction: 'up' | 'down') => bounds(v)[direction === 'down' ? 0 : 1];
    // A level joined leads too (the zone above a prior low the break crossed): until no level joins.
    for (let joined = true; joined; ) {
      joined = false;
      for (const level of this.levels.values()) {
        if (level.asset !== asset || judged.has(level.id)) continue;
        const track = this.tracks.get(level.id)!;
        const [lo, hi] = bounds(level.level);
        const side = c.close < lo ? 'below' : c.close > hi ? 'above' : undefined;
        if (!side || !track.position || side === track.position) continue;
        const direction = side === 'below' ? 'down' : 'up';
        const leads = breaks.filter((b) => b.direction === direction && b.level.chat === level.chat);
        const onLine = leads.filter((b) => {
          const [bl, bh] = bounds(b.level.level);
          const apart = Math.abs(edge(b.level.level, direction) - edge(level.level, direction));
          return apart <= SAME_LINE_BUFFERS * this.buffer(asset, b.level.level) || (lo >= bl && hi <= bh);
        });
        const sameLine = onLine.length > 0;
        if (!leads.length || (!sameLine && (track.chop || (track.lastBreak && c.end - track.lastBreak.ts < this.rules.cooldownMs)))) continue;
        // Crossed but not beyond its own buffer: joined only when a break went far (a flush through the levels),
        // not when price merely hovers at a level it has not broken (the channel would hear it undone at once).
        const buffer = this.buffer(asset, level.level);
        const broke = side === 'below' ? c.close < lo - buffer : c.close > hi + buffer;
        if (!sameLine && !broke && !leads.some((b) => this.isFar(asset, b.level.level, c.close))) continue;
        const event: LevelBreakEvent = { level, direction, reclaim: undoes(track, direction, c.end), price: c.close, ts: c.end, joined: true };
        if (track.chop) {
          // A chop still on (as /levels reads one) ends with the break whose line it is on: the message says so, naming
          // that break (one the chat is told of, not a cascade's extreme, where it has one).
          if (track.chop.resolved === undefined || track.chop.said) {
            const by = onLine.find((b) => b.level.source !== 'cascade') ?? onLine[0]!;
            event.fromChop = { ...this.chopCount(level, track.chop), by: 'joined', with: by.level.level };
          }
          track.chop.resolved = side;
          delete track.chop.noticeDue;
          delete track.chop.said;
          delete track.chop.told;
        }
        this.tell(track, event, false);
        out.push({ kind: 'break', event });
        breaks.push(event);
        judged.add(level.id);
        joined = true;
      }
    }
  }

  private judgeLevel(asset: string, level: Level, track: LevelTrack, c: ClosedCandle): Outcome | undefined {
    const r = this.rules;
    const [lo, hi] = bounds(level.level);
    const buffer = this.buffer(asset, level.level);
    // Closes beyond the level itself, however little: held long enough, they are acceptance on that side.
    const raw = c.close < lo ? 'below' : c.close > hi ? 'above' : undefined;
    if (raw !== track.beyond?.side) {
      if (raw) track.beyond = { side: raw, since: c.ts };
      else delete track.beyond;
      this.touched.add(level.id);
    }
    const acceptedFor = raw ? c.end - track.beyond!.since : 0;
    const seen = c.close < lo - buffer ? 'below' : c.close > hi + buffer ? 'above' : raw && acceptedFor >= r.acceptMs ? raw : undefined;
    const crossings = (track.crossings ?? []).filter((ts) => c.end - ts < r.chopWindowMs);
    if (crossings.length !== (track.crossings?.length ?? 0)) {
      track.crossings = crossings;
      this.touched.add(level.id);
    }
    if (track.chop && crossings.length === 0) {
      delete track.chop; // no crossing for a whole chop window: the level is a level again
      this.touched.add(level.id);
    }
    if (!seen) return undefined;
    if (seen !== track.seen) {
      if (track.seen !== undefined) {
        track.crossings = [...crossings, c.end];
        if (track.chop) track.chop.crosses++;
      }
      track.seen = seen;
      if (track.chop) delete track.chop.resolved; // crossed again: chopping until the next decisive close
      this.touched.add(level.id);
    }
    if (!track.position) {
      // A zone set with price inside it: leaving it is news either way. Otherwise (no price when it was set)
      // the first close beyond the buffer only tells which side price accepted.
      const left = track.setInside;
      delete track.setInside;
      track.position = left ? (seen === 'below' ? 'above' : 'below') : seen;
      if (!left) return undefined;
    }
    const far = c.close < lo - r.decisiveFactor * buffer || c.close > hi + r.decisiveFactor * buffer;
    // Decisive: far beyond the level, held beyond it for `decisiveMs`, or out of the range a chop closed in (by a
    // buffer) after closes beyond the level for `confirmMs`: price leaving the range it chopped in is the
    // breakout. A chop ends only on a decisive close; soon after a break that did not go far, a chop's range
    // must be left, the close be far, or closes have held beyond the level for `decisiveMs`, the last `flipBuffers`
    // buffers beyond (by default as far as far: off).
    const outOfChop = track.chop !== undefined && (c.close < track.chop.low - buffer || c.close > track.chop.high + buffer);
    const decisive = far || acceptedFor >= r.decisiveMs || (outOfChop && acceptedFor >= r.confirmMs);
    const heldClear = acceptedFor >= r.decisiveMs && (c.close < lo - r.flipBuffers * buffer || c.close > hi + r.flipBuffers * buffer);
    const firm = track.chop !== undefined && !outOfChop ? far || heldClear : decisive;
    // A level set into a chop and never told a break has no side the chat heard of: the side it was set on is only
    // where price was then, and the chop's first cross left it. The close that ends its chop out of the range it chopped
    // in is told whichever way it goes: ETH's $3,141.2, set at 00:00 on Feb 2 2025 below price and crossed at once, left
    // its range below at 03:15: told now, where ETH used to fall 35% from it unsaid. Two hours beyond it inside the range
    // do not do (they told SUI's $2.3 broke above 15 minutes after its chop notice), nor does a close far beyond it
    // inside the range: what a chop notice promises is a close out of its range or a decisive one back across.
    const untoldChopEnds = track.chop !== undefined && outOfChop && decisive && track.chop.resolved !== seen && !track.lastBreak;
    // `position` is the side the chat last heard of; closes on that side are nothing new, but one far beyond
    // makes the last break real: its undoing is told at once, chop or not.
    if (seen === track.position && !untoldChopEnds) {
      if (far && track.lastBreak && !track.real) {
        track.real = true;
        this.touched.add(level.id);
      }
      const chop = track.chop;
      if (chop && decisive && chop.resolved !== seen) {
        chop.resolved = seen;
        this.touched.add(level.id);
      }
      // A chop whose notice was said ("no more alerts … until …") ends on a close out of its range on this side too:
      // nothing the chat was told changes, but it was told the level chops, so the chop's end is said (not broken again:
      // the level's state and last break stay). A close far beyond the level inside the range, or hours beyond it, is
      // not out of the range the chat was told it chops in.
      // Judged against the range the notice named: the rolling range follows a grind (each close a little under the
      // last is the range's new low), so a slide of 10% a buffer at a time would never leave it, and the chat would
      // read "chopping" for days with nothing said.
      if (!chop?.said || acceptedFor < r.confirmMs) return undefined;
      const told = chop.told ?? [chop.low, chop.high];
      if (c.close >= told[0] - buffer && c.close <= told[1] + buffer) return undefined;
      const named = chop.told !== undefined; // a track stored before `told` was has only the closes' range
      delete chop.said;
      delete chop.told;
      this.touched.add(level.id);
      const fromChop: ChopEnd = { ...this.chopCount(level, chop), kept: true, by: 'range', range: told, ...(named ? { told: true as const } : {}), buffer, heldMs: acceptedFor };
      return { kind: 'break', event: { level, direction: seen === 'below' ? 'down' : 'up', reclaim: false, price: c.close, ts: c.end, fromChop } };
    }
    if (track.lastBreak && c.end - track.lastBreak.ts < r.cooldownMs && !far) return undefined;
    // The first break of a level, and the undoing of a real one, are told on their close; any other break needs
    // closes beyond the level for `confirmMs` (the last beyond the buffer), or one close far beyond.
    if (!far && !track.real && track.lastBreak && acceptedFor < r.confirmMs) return undefined;
    // Undoing a break that did not go far, soon after it was told, is the whipsaw a channel mutes a bot for:
    // it waits for a decisive close too.
    const recent = track.lastBreak !== undefined && !track.real && c.end - track.lastBreak.ts < r.flipMs;
    const crosses = track.crossings?.length ?? 0;
    const chopping = crosses >= r.chopCrosses && !track.real;
    if (!(recent ? firm : decisive) && (track.chop || recent || chopping)) {
      // Chopping: said once, then nothing until a decisive close.
      if (track.chop || !chopping) return undefined;
      const since = track.crossings![0]!;
      // The chop's range: the closes since the first crossing counted, the last `chopRangeMs` of them (this one included).
      const [low, high] = this.chopRange(asset, level, since, c);
      // Said once the chop has lasted as long as a decisive close takes: a chop that a decisive close ends
      // sooner is told by that break alone. The crossings it counts are the level's: a level set into a chop chops
      // from its first cross, but says only the crosses since it was set.
      const own = track.crossings!.filter((ts) => ts >= setAt(level)).length;
      track.chop = { since, crosses: own, low, high, noticeDue: c.end + r.decisiveMs };
      this.touched.add(level.id);
      return undefined;
    }
    const direction = seen === 'below' ? 'down' : 'up';
    const event: LevelBreakEvent = { level, direction, reclaim: undoes(track, direction, c.end), price: c.close, ts: c.end };
    if (track.chop) {
      const base = this.chopCount(level, track.chop);
      const left = leftRange(track.chop, c.close, buffer);
      // The lines the rule drew, as the close was judged: held inside the range soon after a break, the last close had
      // to be `flipBuffers` buffers beyond too (`firm`).
      const clear = recent && !outOfChop ? { clear: r.flipBuffers * buffer } : {};
      event.fromChop = far ? { ...base, by: 'far', margin: r.decisiveFactor * buffer } : acceptedFor >= r.decisiveMs ? { ...base, by: 'held', heldMs: acceptedFor, decisiveMs: r.decisiveMs, ...clear }
        : { ...base, by: 'range', range: left, ...(left === track.chop.told ? { told: true as const } : {}), buffer, heldMs: acceptedFor };
      track.chop.resolved = seen;
      delete track.chop.noticeDue; // the break ends the chop: its notice is not said after it
      delete track.chop.said; // and it is the end the notice promised
      delete track.chop.told;
    }
    this.tell(track, event, far);
    return { kind: 'break', event };
  }

  /**
   * A chop notice falling due while price is already across the level from what the chat last heard, two closes
   * short of a decisive one, waits those two closes: the break, if it comes, says the chop itself ("after 3 crosses
   * since Monday"), so the chat does not read a notice and the break 15 minutes apart. One whose closes across have
   * already lasted a decisive close's time, held back only by the flip window of the break before, waits for the
   * window's end, when the break comes if price stays: a notice then would promise quiet until a decisive close while
   * the closes the break calls decisive are already there (BTC's $94,000 on Feb 3 2025: chopping at 10:30 after 3h 15m
   * of closes above it, reclaimed at 10:45).
   */
  private breakingSoon(track: LevelTrack, c: ClosedCandle, due: number): boolean {
    const tf = c.end - c.ts;
    const b = track.beyond;
    if (b === undefined || b.side === track.position) return false;
    if (c.end < due + 2 * tf && c.end + 2 * tf - b.since >= this.rules.decisiveMs) return true;
    const flipEnds = track.lastBreak && !track.real ? track.lastBreak.ts + this.rules.flipMs : -Infinity;
    return c.end - b.since >= this.rules.decisiveMs && c.end < flipEnds;
  }

  /**
   * A chop's count as its messages say it: the crossings since its first one, or, for a chop price began before the
   * level was set, since the level was set (`setInChop`): ETH's $1,800, set at 00:00 on Apr 6 2025 where price had
   * crossed it since Thursday, is lost "after 2 crosses since it was set", not "after 11 crosses since Thursday".
   */
  private chopCount(level: Level, chop: NonNullable<LevelTrack['chop']>): ChopCount {
    const at = setAt(level);
    return chop.since < at ? { crosses: chop.crosses, since: at, setInChop: true } : { crosses: chop.crosses, since: chop.since };
  }

  /** A chop whose notice is not said yet, nor ended by a break: `noticeDue` is when it falls due. */
  private pendingNotice(track: LevelTrack): number | undefined {
    return track.chop?.resolved === undefined ? track.chop?.noticeDue : undefined;
  }

  /**
   * The chop notices of a close. Those due are said unless a break is near (`breakingSoon`), and notices are one
   * message per price area, as one close's breaks are: a level whose notice is not due yet, but that lies inside the
   * range of one said now, is said with it (BTC's $99,501 and $100,000 on Feb 2 2025, chopping in one range: one notice
   * at 08:15, not two 15 minutes apart); one due whose range holds a level about to break waits with it, so the two are
   * told together once it turns back (BTC's $109,021.9 and $109,136.5 on Oct 19 2025), or the break comes first.
   */
  private sayNotices(asset: string, c: ClosedCandle, due: readonly Level[], out: Outcome[]): void {
    const rangeOf = (chop: NonNullable<LevelTrack['chop']>): [number, number] => [Math.min(chop.low, c.close), Math.max(chop.high, c.close)];
    const inside = (level: Level, chat: string | undefined, range: [number, number]) => {
      const [lo, hi] = bounds(level.level);
      return level.chat === chat && lo >= range[0] && hi <= range[1];
    };
    const pending: Level[] = [];
    const near: Level[] = [];
    for (const level of this.levels.values()) {
      if (level.asset !== asset) continue;
      const track = this.tracks.get(level.id)!;
      const at = this.pendingNotice(track);
      if (at === undefined) continue;
      (this.breakingSoon(track, c, at) ? near : pending).push(level);
    }
    const waits = (level: Level) => near.some((n) => n !== level && inside(n, level.chat, rangeOf(this.tracks.get(level.id)!.chop!)));
    const said: { level: Level; range: [number, number] }[] = [];
    for (const level of due) {
      if (!pending.includes(level) || waits(level)) continue;
      said.push({ level, range: rangeOf(this.tracks.get(level.id)!.chop!) });
    }
    for (let added = said.length > 0; added; ) {
      added = false;
      for (const level of pending) {
        if (said.some((x) => x.level === level) || waits(level) || !said.some((x) => inside(level, x.level.chat, x.range))) continue;
        said.push({ level, range: rangeOf(this.tracks.get(level.id)!.chop!) });
        added = true;
      }
    }
    // One message per chat names the range spanning all its levels (a chat reads the global ones with its own), and
    // promises no more alerts until a close out of that range: each level's end is judged against the range its
    // message named, not its own narrower one (a close out of $99,501's range but inside the one the notice said with
    // $100,000 is not the end it promised).
    const told = (chat: string | undefined): [number, number] => {
      const mine = said.filter((x) => x.level.chat === chat || (chat !== undefined && x.level.chat === undefined));
      return [Math.min(...mine.map((x) => x.range[0])), Math.max(...mine.map((x) => x.range[1]))];
    };
    for (const { level, range } of said) {
      const track = this.tracks.get(level.id)!;
      const chop = track.chop!;
      delete chop.noticeDue;
      chop.said = true; // its promise (the chop's end is told either way) holds from here
      chop.heard = true;
      chop.told = told(level.chat); // out of this range (by a buffer) is the end it promised
      this.touched.add(level.id);
      out.push({ kind: 'chop', event: { level, ...this.chopCount(level, chop), range, price: c.close, ts: c.end } });
    }
  }

  /** A close beyond the level by the decisive margin (`decisiveFactor` buffers). */
  private isFar(asset: string, v: LevelValue, close: number): boolean {
    const [lo, hi] = bounds(v);
    const margin = this.rules.decisiveFactor * this.buffer(asset, v);
    return close < lo - margin || close > hi + margin;
  }

  private tell(track: LevelTrack, e: LevelBreakEvent, far: boolean): void {
    track.position = e.direction === 'down' ? 'below' : 'above';
    track.state = e.reclaim ? 'reclaimed' : 'broken';
    track.changedAt = e.ts;
    track.lastBreak = { ts: e.ts, direction: e.direction, price: e.price };
    track.told = [...(track.told ?? []).filter((t) => e.ts - t.ts < TOLD_KEEP_MS), { ts: e.ts, direction: e.direction, reclaim: e.reclaim, price: e.price }];
    track.real = far;
    this.touched.add(track.id);
  }

  /**
   * The levels a chat sees for an asset (global ones and its own), with role, distance and state at `price`. A cascade's
   * extreme where the chat has a level of its own (added at its price, to keep it) is that level: listed once, as the chat's.
   */
  view(asset: string, price: number, chat?: string): LevelView[] {
    const out: LevelView[] = [];
    const own = new Set<string>();
    for (const l of this.levels.values()) if (l.asset === asset && chat !== undefined && l.chat === chat) own.add(levelKey(asset, l.level));
    for (const level of this.levels.values()) {
      if (level.asset !== asset) continue;
      if (!seenBy(level, chat)) continue;
      if (level.source === 'cascade' && own.has(levelKey(asset, level.level))) continue;
      const track = this.tracks.get(level.id)!;
      const role = roleAt(level.level, price);
      const dist = distancePct(level.level, price);
      const near = role === 'inside' || Math.abs(dist) <= this.rules.testingPct;
      const across = acrossFromTold(track, role);
      // A chop reads chopping once the chat has heard of it (its notice, or a break that counted it): until then the
      // level reads what the chat was told ("lost", testing near it), not a chop nobody posted. A chop said to the chat
      // reads chopping until a message ends it: hours on the side it last heard of, inside the range, are still the
      // chop it was told of.
      const chop = track.chop?.heard || track.chop?.said ? track.chop : undefined;
      const chopping = chop !== undefined && (chop.resolved === undefined || (chop.said === true && chop.resolved === track.position));
      // A level in chop is chopping while price is at it too: the chop notice said so, and a close decides nothing yet.
      const told = toldState(track);
      const state: ShownState = chopping ? 'chopping' : near || across ? 'testing' : told;
      const view: LevelView = { level, role, distancePct: dist, state, baseState: told, buffer: this.buffer(asset, level.level) };
      if (across && !chopping) view.across = across;
      if (track.setInside) view.sideUntold = true;
      if (track.lastBreak) view.lastBreak = track.lastBreak;
      if (chop) {
        view.chop = { ...chop, ...this.chopCount(level, chop) };
        if (chopping) delete view.chop.resolved;
      }
      out.push(view);
    }
    return out.sort((a, b) => bounds(b.level.level)[1] - bounds(a.level.level)[1]);
  }
}
