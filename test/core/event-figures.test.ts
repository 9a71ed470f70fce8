/**
 * An alert's figures and the command a member types after it say the same thing: a level break's hour of liquidations
 * is `/liqs ASSET 1h`'s, a flush's tally is the same running and over, and a cascade's or a flush's end tells the price
 * move during it (its start to its end, with the low between), not the price when the end is posted.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { FlushDetector, type FlushRules } from '../../src/core/flush.js';
import { loadFile, runFile } from '../../src/offline.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { BUNDLED, cli } from '../helpers.js';

const DEEPSEEK = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
const OCT23 = 'fixtures/binance-2025-10-23-forceorder.real.jsonl';

async function replay(file: string): Promise<Alert[]> {
  return (await runFile(await loadFile(file), loadConfig())).alerts;
}

const text = (a: Alert | undefined) => replyText(alertReply(a!));

describe("a level break's hour of liquidations", () => {
  it('is the figure /liqs gives for the same hour, the vendors\' hourly totals (Hyperliquid, Bitget) of no hour whole inside it left out', async () => {
    const alerts = await replay(BUNDLED);
    for (const [at, alertText, longs] of [
      // Not all of it: $52.5K of shorts went in each hour too (a share short of 100% never reads as 100%). The vendors'
      // 13:00–14:00 and 14:00–15:00 totals are a quarter and three quarters before these hours: not in them.
      ['2026-01-31T14:15:00Z', '$99.6M longs liquidated in the last hour', 'Longs $99.6M (99.9%)'],
      ['2026-01-31T15:45:00Z', '$130M longs liquidated in the last hour', 'Longs $130M (>99.9%)'],
    ] as const) {
      const brk = alerts.find((a) => a.kind === 'level_break' && a.ts === Date.parse(at));
      expect(text(brk).split('\n')[0]).toContain(alertText);
      const liqs = await cli('liqs', 'eth', '--data', BUNDLED, '--window', '1h', '--at', at);
      expect(liqs.out).toContain(`\n${longs} · `);
      const json = JSON.parse((await cli('liqs', 'eth', '--data', BUNDLED, '--window', '1h', '--at', at, '--json')).out) as { longUsd: number };
      if (brk?.kind !== 'level_break') throw new Error('unreachable');
      expect(brk.liquidations!.usd).toBeCloseTo(json.longUsd, 0);
    }
  });
});

describe("a cascade's end", () => {
  it('tells the move from its start to its end and its low between, not the price when its end is posted (BTC, 2025-01-27)', async () => {
    const end = (await replay(DEEPSEEK)).find((a) => a.kind === 'cascade_end' && a.asset === 'BTC');
    // From its first print, the $99,767.53 fill at 16:52:08 (the 5m candles were over two minutes old: the fills were the
    // price, and the candles' last price before it, $100,033 at 16:50, is not where it began), to its last strong print,
    // the $99,225.9 fill at 17:08:48 (a print the bot held as the price: the flush's end shows that low too), also its
    // low (under the 17:05 candle's $99,233). The price when the end was posted ($99,417 at 17:23, the 17:15 candle's
    // close) is not its move.
    expect(text(end)).toContain('\nPrice during it $99,768 → $99,226 (−0.5%), low $99,226\n');
    expect(text(end)).not.toContain('$99,417');
  });
});

describe("a market-wide flush's figures", () => {
  it('are the same while it runs as once it is over: the prints after its last strong one are in neither', async () => {
    const loaded = await loadFile(DEEPSEEK);
    const summaryAt = async (at: string) => {
      const to = Date.parse(at);
      const run = await runFile(loaded, loadConfig(), { until: to, bucketFrom: to - 3_600_000 });
      return run.market.marketSummary('1h', 3_600_000, to).flushes;
    };
    const running = await summaryAt('2025-01-27T17:23:00Z');
    const over = await summaryAt('2025-01-27T17:24:00Z');
    expect(running[0]!.endedAt).toBeUndefined();
    expect(new Date(over[0]!.endedAt!).toISOString().slice(11, 16)).toBe('17:08');
    expect(running.map((f) => [f.assetCount, Math.round(f.usd)])).toEqual(over.map((f) => [f.assetCount, Math.round(f.usd)]));
    // Every long print from 16:50:23.755 to its last at pace, 17:08:58.454: $2,621,218 across 185 assets.
    expect(running.map((f) => [f.assetCount, Math.round(f.usd)])).toEqual([[185, 2_621_218]]);
  });

  it('keeps a print that came after the last strong one out of the running tally, and in it once a strong one follows', () => {
    const rules: FlushRules = { windowMs: 60_000, minAssets: 3, maxLeaderShare: 0.6, endFraction: 0.3, quietMs: 120_000, leaders: 3, updateGrowth: 0.5, updateMinMs: 60_000 };
    const T0 = Date.parse('2026-03-02T12:00:00Z');
    const d = new FlushDetector(rules, () => 1_000_000);
    ['BTC', 'ETH', 'SOL'].forEach((asset, i) => d.add(asset, 'long', 'bybit', T0 + i * 1000, 400_000));
    // The window empties; a small XRP print on Gate is after the last strong print: not the flush's yet.
    d.advance(T0 + 70_000);
    d.add('XRP', 'long', 'gate', T0 + 80_000, 1_000);
    expect(d.runningRecords()).toEqual([{ id: `flush-long-${T0}`, side: 'long', startedAt: T0, usd: 1_200_000, assetCount: 3 }]);
    // A burst at the pace that called it ($1M a minute) brings it in with itself.
    d.add('DOGE', 'long', 'okx', T0 + 90_000, 1_000_000);
    expect(d.runningRecords()).toMatchObject([{ usd: 2_201_000, assetCount: 5 }]);
  });

  it('end with each leader\'s move during it and its low (2025-10-23: ETH fell to $3,843, where its last print at pace filled)', async () => {
    const alerts = await replay(OCT23);
    const end = alerts.find((a) => a.kind === 'market_flush_end');
    // Over 19:03:03.580–19:08:03.423: ETH $3,857.02 (19:02:32) → $3,843.46 (19:08:03), BTC $110,579.7 (19:00:31) →
    // $110,045.8 (19:04:59), SOL $191.04 (19:02:29) → $190.62 (19:05:01).
    expect(text(end)).toContain('\nPrice during it: ETH −0.4% (low $3,843) · BTC −0.5% (low $110,042) · SOL −0.2% (low $190.60)\n');
  });

  it('start with the move since it began, not the hour before: a cascade inside it says its own hour (2025-01-27)', async () => {
    const alerts = await replay(DEEPSEEK);
    const start = text(alerts.find((a) => a.kind === 'market_flush'));
    expect(start).toContain('\nPrice since 16:50: BTC −0.5% (low $99,541) · ETH −0.6% (low $3,079)\n');
    expect(start).not.toContain('in 1h');
    expect(text(alerts.find((a) => a.kind === 'cascade' && a.asset === 'ETH'))).toContain('Price $3,075 (−2.1% in 1h)');
  });
});
