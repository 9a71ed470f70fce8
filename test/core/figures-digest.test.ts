/**
 * The digest's liquidations around a break: the hour before and the hour after its close ("±1h" exactly), cut half way
 * to the asset's neighbouring breaks so no liquidation counts for two of them, and labelled with its times when cut.
 */
import { describe, expect, it } from 'vitest';
import { weeklyDigest, type DigestInputs, type DigestItem } from '../../src/core/digest.js';
import { lineText } from '../../src/replies/reply.js';
import { digestLine } from '../../src/replies/digest.js';

const MIN = 60_000;
const H = 60 * MIN;
const WEEK = Date.UTC(2026, 0, 26);
const at = (hh: number, mm = 0) => Date.UTC(2026, 0, 31, hh, mm);

/** $1M of longs every minute from 10:00 to 22:00 on Jan 31: a window's figure is its minutes, in millions. */
function minuteLongs(asset: string, from: number, to: number) {
  const out: { ts: number; longUsd: number; shortUsd: number }[] = [];
  for (let t = from; t < to; t += H) {
    const end = Math.min(to, t + H - 1);
    let n = 0;
    for (let m = Math.ceil(Math.max(t, at(10)) / MIN) * MIN; m <= Math.min(end, at(22)); m += MIN) n++;
    out.push({ ts: t, longUsd: asset === 'ETH' ? n * 1e6 : 0, shortUsd: 0 });
  }
  return out;
}

function digestOf(items: DigestItem[], extra: Partial<DigestInputs> = {}) {
  return weeklyDigest({
    chat: 'c', from: WEEK, to: at(23, 59), items, testingPct: 0.5,
    bars: () => [], liquidations: minuteLongs, ...extra,
  });
}

const lost = (level: number, ts: number): DigestItem => ({
  asset: 'ETH', level, since: WEEK, watched: true, told: [{ ts, direction: 'down', reclaim: false, price: level - 10 }],
});

describe('liquidations around a told break', () => {
  it('a lone break counts the hour before and the hour after its close, and says ±1h', () => {
    const d = digestOf([lost(3000, at(12, 30))]);
    const b = d.levels[0]!.firstBreak!;
    expect(b.around).toEqual([at(11, 30), at(13, 30) - 1]);
    // 11:30 up to 13:30: 120 minutes (the old figure was the close's hour and one either side, 11:00–14:00: 180).
    expect(b.longUsd).toBe(120e6);
    expect(lineText(digestLine(d.levels[0]!))).toContain('$120M longs liquidated ±1h');
  });

  it('breaks less than two hours apart meet half way: no minute counted twice, each labelled with its times', () => {
    const d = digestOf([lost(3000, at(12, 30)), lost(2800, at(14, 15)), lost(2500, at(15, 45))]);
    const [a, b, c] = d.levels.map((l) => l.firstBreak!);
    expect(a!.around).toEqual([at(11, 30), at(13, 23) - 1]);
    expect(b!.around).toEqual([at(13, 23), at(15) - 1]);
    expect(c!.around).toEqual([at(15), at(16, 45) - 1]);
    // 11:30–13:22, 13:23–14:59, 15:00–16:44: 113 + 97 + 105 minutes, the 315 minutes of 11:30–16:45 once each.
    expect([a!.longUsd, b!.longUsd, c!.longUsd]).toEqual([113e6, 97e6, 105e6]);
    expect(lineText(digestLine(d.levels[0]!))).toContain('$113M longs liquidated 11:30–13:23');
    expect(lineText(digestLine(d.levels[1]!))).toContain('$97M longs liquidated 13:23–15:00');
    expect(lineText(digestLine(d.levels[2]!))).toContain('$105M longs liquidated 15:00–16:45');
  });

  it('counts what /liqs counts for the window when the caller gives it (vendor hourly totals too)', () => {
    const asked: [number, number][] = [];
    const d = digestOf([lost(3000, at(12, 30))], {
      windowTotals: (_asset, from, to) => {
        asked.push([from, to]);
        return { longUsd: 250e6, shortUsd: 1e6 };
      },
    });
    expect(asked).toEqual([[at(11, 30), at(13, 30) - 1]]);
    expect(d.levels[0]!.firstBreak).toMatchObject({ longUsd: 250e6, shortUsd: 1e6 });
  });
});
