/** Reconnect pacing and telling an outage once. */
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/feeds/backoff.js';
import { OutageNotice } from '../../src/feeds/notice.js';

describe('Backoff', () => {
  it('doubles from the base up to the cap, with jitter between half and all of each step', () => {
    const low = new Backoff({ baseMs: 1_000, maxMs: 60_000, random: () => 0 });
    const high = new Backoff({ baseMs: 1_000, maxMs: 60_000, random: () => 1 });
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(highs).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(lows).toEqual(highs.map((h) => h / 2));
  });

  it('starts over after reset', () => {
    const b = new Backoff({ baseMs: 100, random: () => 1 });
    b.next();
    b.next();
    expect(b.failures).toBe(2);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads retries: different random draws give different waits', () => {
    const draws = [0.1, 0.9];
    const waits = draws.map((r) => new Backoff({ baseMs: 1_000, random: () => r }).next());
    expect(waits[0]).not.toBe(waits[1]);
  });
});

describe('OutageNotice', () => {
  function fakeLog() {
    const lines: { level: string; msg: string }[] = [];
    const at = (level: string) => (_fields: object, msg: string) => void lines.push({ level, msg });
    return { lines, log: { warn: at('warn'), info: at('info'), debug: at('debug') } as never };
  }

  it('warns once per outage with a hint, then debug lines, then one info line on recovery', () => {
    const { lines, log } = fakeLog();
    const notice = new OutageNotice('okx', log, () => 0);
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND ws.okx.com'), { code: 'ENOTFOUND' });
    for (let i = 0; i < 5; i++) notice.failed('markets', err, 1_000);
    notice.recovered('liquidations');
    notice.failed('prices', err, 1_000);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'debug', 'debug', 'debug', 'debug', 'info', 'warn']);
    expect(lines[0]!.msg).toMatch(/okx unreachable/);
  });
});
