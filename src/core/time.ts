/**
 * Event time in milliseconds: the units and the UTC boundaries the engine buckets by. One definition, so a
 * "day" means the same UTC midnight to every module.
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The start of the UTC minute `ts` falls in. */
export function minuteStart(ts: number): number {
  return Math.floor(ts / MINUTE) * MINUTE;
}

/** The start of the UTC hour `ts` falls in. */
export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR) * HOUR;
}

/** UTC midnight of the day `ts` falls in. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY) * DAY;
}
