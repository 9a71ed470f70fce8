/**
 * A level break's "liquidated in the last hour" is what `/liqs ASSET 1h` says at that moment, and counts a vendor's
 * hourly total only for an hour whole inside that hour: at 12:30 on the bundled day, Hyperliquid's and Bitget's
 * 11:00–12:00 totals are half before it, and are not in "$9M longs liquidated in the last hour".
 */
import { describe, expect, it } from 'vitest';
import type { LevelBreak } from '../../src/core/alerts.js';
import { alertReply } from '../../src/replies/alerts.js';
import { lineText } from '../../src/replies/reply.js';
import { BUNDLED, cli } from '../helpers.js';

describe("a level break's last hour", () => {
  it('counts no vendor hour half before it (the bundled day, 12:30 and 14:15)', async () => {
    const r = await cli('replay', BUNDLED);
    expect(r.code, r.err).toBe(0);
    // Before: "$9.61M longs liquidated in the last hour (with hourly totals 11:00–12:00)".
    expect(r.out).toContain('2026-01-31 12:30 UTC  ⬇️ ETH lost $3,000; $9M longs liquidated in the last hour |');
    expect(r.out).toContain('2026-01-31 14:15 UTC  ⬇️ ETH lost $2,750–2,800; $99.6M longs liquidated in the last hour |');
    expect(r.out).not.toContain('with hourly totals');
  });

  it('names no hourly totals where no vendor hour lies whole inside the hour, whatever the alert carries', () => {
    const at = Date.parse('2026-01-31T12:30:00Z');
    const liquidations = { side: 'long' as const, usd: 9_000_000, windowMs: 3_600_000, cascade: false, hourly: ['bitget', 'hyperliquid'] };
    const alert: LevelBreak = { kind: 'level_break', ts: at, asset: 'ETH', key: 'k', levelId: 'ETH@3000', level: 3000, direction: 'down', reclaim: false, price: 2968.7, timeframe: '15m', liquidations };
    // Before: "(with hourly totals 11:00–12:00)", an hour half before the window.
    expect(lineText(alertReply(alert).title!)).toBe('⬇️ ETH lost $3,000; $9M longs liquidated in the last hour');
  });
});
