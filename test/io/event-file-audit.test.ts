/**
 * A line stamped after the wall clock is no recording: the reader skips it as a malformed line, said with its line
 * number and why, so it neither counts nor moves the moment `liqs` and `levels` answer as of (one 2099 line made a
 * day of $12.5M read as "$1 liquidated in 24h … 2099-12-31 23:59 UTC", silently). A day of skew is allowed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newReport, readEventBatches, type ReadFilter, type ReadReport } from '../../src/io/event-file.js';
import type { MarketEvent } from '../../src/core/events.js';
import { cli, writeEvents } from '../helpers.js';

const JAN31 = Date.parse('2026-01-31T11:46:40Z');
const DAY = 86_400_000;
const print = (ts: number, usd = 2_500_000) =>
  `{"type":"liquidation","ts":${ts},"exchange":"bybit","symbol":"ETH/USDT:USDT","side":"long","price":2500,"amount":1,"usd":${usd}}`;
/** The audit's file: five $2.5M ETH prints a minute apart on Jan 31 2026, then one $1 print stamped 2099-12-31 23:59:59. */
const AUDIT_FILE = [0, 1, 2, 3, 4].map((m) => print(JAN31 + m * 60_000)).concat(print(4102444799000, 1));
const FUTURE_REASON = "liquidation: `ts` 4102444799000 is 2099-12-31 23:59 UTC, in the future (more than a day after this machine's clock and the file's events before it): a recording holds only times that have passed";

async function read(path: string, report: ReadReport, filter?: ReadFilter): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const batch of readEventBatches(path, report, filter)) out.push(...batch);
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a line stamped after the wall clock', () => {
  it('is skipped as a malformed line with its number and why, and the events before it are read', async () => {
    const report = { ...newReport(), wallClock: Date.parse('2026-02-01T00:00:00Z') };
    const events = await read(writeEvents(AUDIT_FILE), report);
    expect(events.map((e) => e.ts)).toEqual([0, 1, 2, 3, 4].map((m) => JAN31 + m * 60_000));
    expect(report.invalid).toEqual([{ line: 6, reason: FUTURE_REASON }]);
    expect([report.invalidCount, report.events, report.lines]).toEqual([1, 5, 6]);
  });

  it('is allowed up to a day ahead of the clock (a recorder a little fast, a local time written as UTC), or of the events before it', async () => {
    const wallClock = JAN31 + 10 * 60_000;
    // The plain form a recorder writes, and the same line with a space (the full parser's path), each at both edges:
    // a day past the clock is read; a day past the clock and past the newest event before it by more is not.
    const spaced = (ts: number) => print(ts).replace('"ts":', '"ts": ');
    const far = wallClock + 2 * DAY + 1;
    const lines = [print(JAN31), print(wallClock + DAY), spaced(wallClock + DAY), print(far), spaced(far)];
    const report = { ...newReport(), wallClock };
    const events = await read(writeEvents(lines), report);
    expect(events.map((e) => e.ts)).toEqual([JAN31, wallClock + DAY, wallClock + DAY]);
    expect(report.invalid.map((s) => s.line)).toEqual([4, 5]);
    expect(report.invalid[0]!.reason).toMatch(/^liquidation: `ts` \d+ is 2026-02-02 11:56 UTC, in the future/);
  });

  it('reads a file that lies wholly after the clock on its own time (a synthetic day dated ahead, a clock behind)', async () => {
    const wallClock = JAN31 - 30 * DAY;
    const lines = [print(JAN31), print(JAN31 + 60_000), print(JAN31 + 3 * DAY)];
    const report = { ...newReport(), wallClock };
    const events = await read(writeEvents(lines), report);
    expect(events.map((e) => e.ts)).toEqual([JAN31, JAN31 + 60_000]);
    expect(report.invalid.map((s) => s.line)).toEqual([3]);
  });

  it('is skipped too when the reader holds another asset (a line it only checks) and for every type, a level included', async () => {
    const wallClock = Date.parse('2026-02-01T00:00:00Z');
    const later = wallClock + 2 * DAY;
    const lines = [
      print(JAN31),
      print(later).replace('ETH/', 'BTC/'),
      `{"type":"price","ts":${later},"exchange":"bybit","symbol":"ETH/USDT:USDT","price":2500}`,
      `{"type":"level","ts":${later},"asset":"ETH","price":2400}`,
      `{"type":"level","ts":0,"asset":"ETH","price":2300,"label":"always"}`,
    ];
    const seen: number[] = [];
    const report = { ...newReport(), wallClock };
    const events = await read(writeEvents(lines), report, { asset: 'ETH', seen: (ts) => void seen.push(ts) });
    expect(report.invalid.map((s) => [s.line, s.reason.split(':')[0]])).toEqual([[2, 'liquidation'], [3, 'price'], [4, 'level']]);
    // The "always" level (stamped 0) is read; nothing stamped after the clock is seen, held or not.
    expect(events.map((e) => [e.type, e.ts])).toEqual([['level', 0], ['liquidation', JAN31]]);
    expect(Math.max(...seen)).toBe(JAN31);
  });

  it('is judged on the machine\'s clock when no clock is given', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-06-01T00:00:00Z'));
    const report = newReport();
    const events = await read(writeEvents([print(Date.parse('2025-05-31T12:00:00Z')), print(JAN31)]), report);
    expect(events.map((e) => e.ts)).toEqual([Date.parse('2025-05-31T12:00:00Z')]);
    expect(report.invalid).toEqual([{ line: 2, reason: expect.stringContaining('is 2026-01-31 11:46 UTC, in the future') }]);
  });
});

describe('the CLI on the audit file', () => {
  it('liqs answers as of the last recorded print, counting the $12.5M, and says the 2099 line on stderr', async () => {
    const path = writeEvents(AUDIT_FILE);
    const r = await cli('liqs', 'eth', '--data', path);
    expect(r.code).toBe(0);
    expect(r.out).toContain('$12.5M liquidated in 24h (5 orders');
    expect(r.out).toContain('2026-01-31 11:50 UTC');
    expect(r.out).not.toContain('2099');
    expect(r.err.split('\n')).toEqual([`${path}:6: skipped: ${FUTURE_REASON}`, 'skipped 1 malformed of 6 lines; 5 events read']);
  });

  it('levels and liqs --json answer as of Jan 31, not 2099', async () => {
    const path = writeEvents(AUDIT_FILE);
    const levels = await cli('levels', 'eth', '--data', path);
    expect(levels.code).toBe(0);
    expect(levels.out).toContain('2026-01-31 11:50 UTC');
    expect(levels.out).not.toContain('2099');
    expect(levels.err).toContain(`${path}:6: skipped: liquidation: \`ts\` 4102444799000`);
    const json = await cli('liqs', 'eth', '--data', path, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ to: JAN31 + 4 * 60_000, longUsd: 12_500_000, totalUsd: 12_500_000 });
  });
});
