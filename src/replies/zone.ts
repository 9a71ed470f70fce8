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

/**
 * Where a zone's short name comes from: the first of these locales that names it by letters, not as an offset. Node's
 * en-US names American zones alone (EST, PDT) and writes the others as offsets (GMT+1 for London's summer); en-GB
 * names Europe's (BST, CET/CEST, EET/EEST, WET/WEST) and the Gulf's (GST), the others Australia's (AEST/AEDT), India's
 * (IST), Singapore's (SGT), Hong Kong's (HKT), Africa's (SAST, EAT, WAT, CAT), New Zealand's (NZST/NZDT), Newfoundland's
 * (NST/NDT), Ireland's summer (IST). A zone none names (Asia/Seoul, Asia/Tokyo) keeps its offset: GMT+9.
 */
const NAMING_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-SG', 'en-HK', 'en-ZA', 'en-NZ', 'en-CA', 'en-IE'];
/** A short name that is an offset ("GMT+1", "GMT-3:30", "UTC+2"), not a name. */
const OFFSET_NAME = /^(GMT|UTC)[+−-]/;

interface Zone {
  readonly name: string;
  /** Local time minus UTC at `ms`, in ms (0 for UTC). */
  offset(ms: number): number;
  /** The zone's short name at `ms`, by letters where a locale of `NAMING_LOCALES` has one: UTC, EST/EDT, BST, CET, GMT+9. */
  label(ms: number): string;
}

const UTC_ZONE: Zone = { name: 'UTC', offset: () => 0, label: () => 'UTC' };

let current: Zone = UTC_ZONE;

function zoneOf(name: string): Zone {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const short = NAMING_LOCALES.map((locale) => new Intl.DateTimeFormat(locale, { timeZone: name, timeZoneName: 'short' }));
  // Offsets are whole quarter hours and change a few times a year, at a local time on the quarter hour, so at a UTC
  // quarter hour too: one lookup per quarter hour is exact.
  const cache = new Map<number, number>();
  // A name changes with the offset, so a quarter hour's holds too (asking up to ten locales costs ~50 µs).
  const names = new Map<number, string>();
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
      const quarter = Math.floor(ms / QUARTER);
      let label = names.get(quarter);
      if (label === undefined) {
        const each = short.map((f) => f.formatToParts(quarter * QUARTER).find((x) => x.type === 'timeZoneName')?.value);
        label = each.find((l) => l !== undefined && !OFFSET_NAME.test(l)) ?? each[0] ?? name;
        if (names.size > 10_000) names.clear();
        names.set(quarter, label);
      }
      return label;
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
 * The zone's short name at `ms`, as footers write it: UTC, EST or EDT (America/New_York), GMT or BST (Europe/London),
 * CET or CEST (Europe/Berlin), GMT+9 (Asia/Seoul, which no locale names by letters).
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
