/**
 * `replay --stats` on a level lost under 12 hours before the file ends: whether the opposite alert undoes it within 12 h
 * is past the file, so the break is said as not judged yet and left out of the share reversed (was: "0 reversed (0%)",
 * a whipsaw count the file could not show); `--stats --json` carries the count.
 */
import { describe, expect, it } from 'vitest';
import { DAY0, H, cli, writeEvents } from '../helpers.js';

const MIN = 60_000;

/** ETH's 15m candles from `DAY0`: 12 hours at 3100, then `after` candles at 2900 (the level at 3000 lost at 12:15). */
function day(after: number): string {
  const candle = (i: number) => {
    const p = i < 48 ? 3100 : 2900;
    return { type: 'candle', ts: DAY0 + i * 15 * MIN, exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', timeframe: '15m', open: p, high: p + 1, low: p - 1, close: p };
  };
  return writeEvents([{ type: 'level', ts: DAY0 - H, asset: 'ETH', price: 3000, label: 'pivot' }, ...Array.from({ length: 48 + after }, (_, i) => candle(i))]);
}

describe('replay --stats, a break under 12 h before the file ends', () => {
  it('is said too late to judge, out of the share reversed, and counted in --json', async () => {
    const file = day(16); // the file ends 3h45 after the break
    const lines = (await cli('replay', file, '--stats')).out.split('\n');
    expect(lines[1]).toMatch(/^ETH +3000 +1 +1 +0 \(–\), 1 too late +0 +0 +pivot$/);
    expect(lines).toContain('levels: 1 message, 1 break, 0 reversed within 12h (none judged: 1 break too late in the file to judge), 0/0 breaks that held told within 2h (–)');
    const json: unknown = JSON.parse((await cli('replay', file, '--stats', '--json')).out);
    expect(json).toMatchObject({ unjudged: { breaks: 1, messages: 1 }, totals: { breaks: 1, reversed: 0 }, levels: [{ unjudged: 1 }] });
  });

  it('is judged once the file runs 12 h past it', async () => {
    const file = day(60);
    const lines = (await cli('replay', file, '--stats')).out.split('\n');
    expect(lines[1]).toMatch(/^ETH +3000 +1 +1 +0 \(0%\) +1 +1 +pivot$/);
    expect(lines).toContain('levels: 1 message, 1 break, 0 reversed within 12h (0%), 1/1 break that held told within 2h (100%)');
    expect(JSON.parse((await cli('replay', file, '--stats', '--json')).out)).toMatchObject({ unjudged: { breaks: 0, messages: 0 } });
  });
});
