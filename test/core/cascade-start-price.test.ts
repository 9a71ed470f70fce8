/**
 * A cascade begins at the price of its first print's moment: the last price at or before that print (in a file of prints
 * alone, the print itself), not at the start of the 10 s slice it is dated by, before which such a file may hold only a
 * print minutes older. Read once, it is the same figure in the cascade's start, its updates, its end and its record.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { CascadeDetector } from '../../src/core/cascades.js';
import { loadFile, runFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { writeEvents } from '../helpers.js';
import { CASCADE_RULES } from './detector-rules.js';

type CascadeAlert = Extract<Alert, { kind: 'cascade' | 'cascade_update' | 'cascade_end' }>;
const cascadeAlerts = (alerts: Alert[]) => alerts.filter((a): a is CascadeAlert => a.kind === 'cascade' || a.kind === 'cascade_update' || a.kind === 'cascade_end');

const T = Date.parse('2025-06-23T21:15:00Z');
const liq = (ts: number, side: 'long' | 'short', price: number, amount: number) => ({ type: 'liquidation', ts, exchange: 'binance', symbol: 'BTC/USDT:USDT', side, price, amount });

/**
 * A print at $100,000 at 21:10:08, then a short squeeze from $100,900 to $101,290, a print a second from 21:15:00 +
 * `offsetS`, and an ETH print at 21:50 (time enough for the cascade's end).
 */
function squeeze(offsetS: number): object[] {
  return [
    liq(T - 292_000, 'long', 100_000, 0.01),
    ...Array.from({ length: 40 }, (_, i) => liq(T + (offsetS + i) * 1_000, 'short', 100_900 + i * 10, 0.35)),
    { ...liq(T + 35 * 60_000, 'long', 2300, 0.01), symbol: 'ETH/USDT:USDT' },
  ];
}

describe('the price a cascade began at', () => {
  it('is its first print\'s ($100,900 at 21:15:06), not the print five minutes before its 10 s slice ($100,000)', async () => {
    for (const offsetS of [6, 0]) {
      const alerts = cascadeAlerts((await runFile(writeEvents(squeeze(offsetS)), loadConfig())).alerts);
      expect(alerts.map((a) => [a.kind, a.startedAt, a.priceStart]), `offset ${offsetS}s`).toEqual([
        ['cascade', T, 100_900],
        ['cascade_end', T, 100_900],
      ]);
      expect(replyText(alertReply(alerts[1]!))).toContain('Price during it $100,900 → $101,290 (+0.4%), high $101,290');
    }
  });

  it('is read from its first print, where the slice it is dated by starts seconds before it', () => {
    const d = new CascadeDetector(CASCADE_RULES, () => 500_000);
    const events = [3_400, 4_100, 7_900, 12_500, 13_000].map((ms) => d.add('BTC', 'short', 'bybit', T + ms, 100_000));
    const start = events.find((e) => e?.type === 'start');
    expect(start?.cascade).toMatchObject({ startedAt: T, firstPrintAt: T + 3_400 });
  });
});

describe('on a real recording: one start price in the start, the updates and the end', () => {
  // ETH's first print (16:51:24) came 84 s after the 5m candles' last close, $3,098.24: the price then. Its end used to read
  // $3,098.25, the open of the 16:50 candle, which closed after the cascade was called; the start said $3,074.88.
  it('2025-01-27: BTC from $99,767.53 (its first fill, 16:52:08) and ETH from $3,098.24 throughout, not the price when each was called', async () => {
    const { alerts } = await runFile(await loadFile('fixtures/binance-2025-01-27-forceorder.real.jsonl'), loadConfig());
    const byId = new Map<string, CascadeAlert[]>();
    for (const a of cascadeAlerts(alerts)) byId.set(a.cascadeId, [...(byId.get(a.cascadeId) ?? []), a]);
    expect(byId.size).toBeGreaterThan(1);
    for (const [id, list] of byId) expect(new Set(list.map((a) => a.priceStart)), id).toEqual(new Set([list[0]!.priceStart]));
    const starts = (asset: string) => (byId.get([...byId.keys()].find((id) => id.startsWith(`${asset}-long-`))!) ?? []).map((a) => [a.kind, a.priceStart]);
    expect(starts('BTC')).toEqual([['cascade', 99_767.53], ['cascade_update', 99_767.53], ['cascade_update', 99_767.53], ['cascade_end', 99_767.53]]);
    expect(starts('ETH')).toEqual([['cascade', 3098.24], ['cascade_end', 3098.24]]);
  });
});
