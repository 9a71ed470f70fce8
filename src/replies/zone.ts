/**
 * The time zone replies and alerts tell times in (config `timeZone`, an IANA name; UTC by default), set once when
 * the bot starts. Moments (a break's close, a cascade's start, a footer's "as of") are told in it; calendar days
 * that are UTC days by definition (a vendor's daily totals, the day a ranking ranks) are not. The offline CLI keeps
 * UTC: its output is a contract other tools read. Around a daylight-saving change, a time told in another offset than
 * the reply's own moment names its zone ("01:50 EDT–01:13 EST": format.ts, clockAsOf), and UTC days beside local times
 * say "UTC".
 *
 * @example
 *   setTimeZone('Asia/Seoul');
 *   clock(Date.parse('2025-02-03T02:05:00Z')); // "11:05", and stamp() ends "GMT+9"
 */
import { DAY, MINUTE } from '../core/time.js';

const QUARTER = 15 * MINUTE;

interface Zone {
  readonly name: string;
  /** Local time minus UTC at `ms`, in ms (0 for UTC). */
  offset(ms: number): number;
  /** The zone's short name at `ms`, as Intl's en-US names it: UTC, EST/EDT, GMT+1 (Europe/Berlin: no "CET"), GMT+9. */
  label(ms: number): string;
}

const UTC_ZONE: Zone = { name: 'UTC', offset: () => 0, label: () => 'UTC' };

let current: Zone = UTC_ZONE;

function zoneOf(name: string): Zone {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const short = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  // Offsets are whole quarter hours and change a few times a year, at a local time on the quarter hour, so at a UTC
  // quarter hour too: one lookup per quarter hour is exact.
  const cache = new Map<number, number>();
  return {
    name,
    offset(ms) {
      const quarter = Math.floor(ms / QUARTER);
      let off = cache.get(quarter);
      if (off === undefined) {
        const at = quarter * QUARTER;
        const p: Record<string, number> = {};
        for (const x of parts.formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
        off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
        if (cache.size > 10_000) cache.clear();
        cache.set(quarter, off);
      }
      return off;
    },
    label(ms) {
      return short.formatToParts(ms).find((x) => x.type === 'timeZoneName')?.value ?? name;
    },
  };
}

/** Tell times in `name` from now on (the bot's start; tests set it back with `setTimeZone('UTC')`). */
export function setTimeZone(name: string): void {
  current = name === 'UTC' || name === 'Etc/UTC' ? UTC_ZONE : zoneOf(name);
}

/** Whether times are told in UTC (the default): then a UTC day needs no "UTC" beside it. */
export function zoneIsUtc(): boolean {
  return current === UTC_ZONE;
}

/** `ms` moved by the zone's offset: read its getUTC* fields for the local date and time. */
export function local(ms: number): Date {
  return new Date(ms + current.offset(ms));
}

/** The local day `ms` falls in, as a day number (days since the epoch, in the zone). */
export function localDay(ms: number): number {
  return Math.floor((ms + current.offset(ms)) / DAY);
}

/**
 * The zone's short name at `ms`, as footers write it: UTC, EST or EDT (America/New_York), GMT+1 or GMT+2
 * (Europe/Berlin: Node's en-US names spell out only a few zones, mostly American, and give the rest as offsets), GMT+9.
 */
export function zoneLabel(ms: number): string {
  return current.label(ms);
}

/**
 * The moment a wall-clock time of the zone (`local(ms).getTime()` read back) falls at: the offset in force then,
 * found from `near`'s. A wall time a daylight-saving change skips lands an offset later; one it repeats, once.
 */
export function fromLocal(wall: number, near = wall): number {
  return wall - current.offset(wall - current.offset(wall - current.offset(near)));
}

/** The zone's offset at `ms` (0 in UTC): for aligning a chart's ticks on local hours. */
export function zoneOffset(ms: number): number {
  return current.offset(ms);
}
