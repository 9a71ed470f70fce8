/** Event time's units and UTC boundaries: the one definition every module buckets by. */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, dayStart, hourStart, minuteStart } from '../../src/core/time.js';

describe('time', () => {
  it('units are milliseconds', () => {
    expect([MINUTE, HOUR, DAY]).toEqual([60_000, 3_600_000, 86_400_000]);
  });

  it('floors to the UTC minute, hour and day a moment falls in', () => {
    const t = Date.parse('2026-01-31T16:07:42.123Z');
    expect(minuteStart(t)).toBe(Date.parse('2026-01-31T16:07:00Z'));
    expect(hourStart(t)).toBe(Date.parse('2026-01-31T16:00:00Z'));
    expect(dayStart(t)).toBe(Date.parse('2026-01-31T00:00:00Z'));
  });

  it('a boundary is its own start, and the last millisecond before it belongs to the previous one', () => {
    const midnight = Date.parse('2026-02-01T00:00:00Z');
    expect(dayStart(midnight)).toBe(midnight);
    expect(dayStart(midnight - 1)).toBe(Date.parse('2026-01-31T00:00:00Z'));
    expect(hourStart(midnight - 1)).toBe(Date.parse('2026-01-31T23:00:00Z'));
  });
});
