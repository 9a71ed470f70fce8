/**
 * Issue 15: "We will replay real market days you have not seen." A real day that no rule was tuned on, replayed once
 * with the rules unchanged: Binance's sampled forceOrder prints of 2025-04-30 14:00:14-14:23:29 UTC from a public
 * recording (MontyWilliams/AlgoTrading@755039c, binance.csv; raw slice in fixtures/sources/, cut by
 * scripts/unseen-fixtures.ts). A market-wide long flush at 14:00:14-14:00:46 (217 symbols in the file, BTC prints
 * 92,905 -> 92,853), then a short squeeze and a trickle both ways. The recording resumed at 14:00:14 after a pause, so
 * the minutes before are not in the file: the first minute a trader would call a flush is 14:00 at the latest.
 * What the rules miss on it, and what could not be checked, is in the report that added it (no levels: the file has
 * no candles).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { eventAsset, type Liquidation, type MarketEvent } from '../../src/core/events.js';
import { Market } from '../../src/core/market.js';
import { isSampled } from '../../src/core/venues.js';
import { loadFile, runFile } from '../../src/offline.js';

const FILE = 'fixtures/binance-2025-04-30-forceorder.real.jsonl';
const RAW = 'fixtures/sources/forceorder-MontyWilliams-AlgoTrading-2025-04-30-1400-1423.csv';
const at = (ts: number) => new Date(ts).toISOString().slice(11, 19);

/** A Market whose live feeds have reported before the first event (as main.ts's feed status does). */
function live(events: readonly MarketEvent[]): Alert[] {
  const config = buildConfig({});
  const m = new Market(config);
  for (const exchange of config.exchanges) m.feeds.update({ exchange, stream: 'liquidations', state: 'live', since: events[0]!.ts - 3_600_000, sampled: isSampled(exchange) });
  const out: Alert[] = [];
  for (const e of events) out.push(...m.catchUp(e.ts), ...m.ingest(e));
  out.push(...m.catchUp(events.at(-1)!.ts + 3_600_000));
  return out;
}

describe('the fixture is the raw slice, converted as the other forceOrder fixtures are', () => {
  it('holds every row of the slice but the three that are no USD perpetual, and names its source', async () => {
    const raw = readFileSync(RAW, 'utf8').split('\n').filter(Boolean).slice(1);
    expect(raw).toHaveLength(1082);
    const events = (await loadFile(FILE)).batches.flat();
    const liqs = events.filter((e): e is Liquidation => e.type === 'liquidation');
    expect(liqs).toHaveLength(1082 - 3);
    expect(new Set(liqs.map((l) => l.symbol)).size).toBe(217);
    expect([at(liqs[0]!.ts), at(liqs.at(-1)!.ts)]).toEqual(['14:00:14', '14:23:29']);
    // SELL is a long liquidated; usd is the average price times the filled quantity.
    expect(liqs[0]).toMatchObject({ symbol: 'BTC/USDT:USDT', side: 'long', price: 92880, amount: 0.01, usd: 928.8 });
    const meta = JSON.parse(readFileSync(FILE, 'utf8').split('\n')[0]!) as { synthetic: boolean; note: string };
    expect(meta.synthetic).toBe(false);
    expect(meta.note).toContain('source: MontyWilliams/AlgoTrading@755039c38c2fd8f4b02d2b0b7193ef6bed306022 binance.csv');
  });
});

describe('2025-04-30 14:00 UTC, a real flush no rule was tuned on, replayed with the default config', () => {
  it('is called as one market-wide long flush 33 s after its first print, with one end and no second call', async () => {
    const { alerts } = await runFile(FILE, buildConfig({}));
    const flushes = alerts.filter((a) => a.kind.startsWith('market_flush'));
    expect(flushes.map((a) => a.kind)).toEqual(['market_flush', 'market_flush_end']);
    const [start, end] = flushes;
    if (start?.kind !== 'market_flush' || end?.kind !== 'market_flush_end') throw new Error('unreachable');
    expect(start.side).toBe('long');
    expect(at(start.startedAt)).toBe('14:00:14');
    // The bar: called within 10 minutes of the first minute a trader would call a flush (14:00 at the latest).
    expect(start.ts - Date.parse('2025-04-30T14:00:00Z')).toBeLessThan(60_000);
    expect(at(start.ts)).toBe('14:00:47');
    expect(start.assetCount).toBe(146);
    expect(Math.round(start.usd / 1000)).toBe(701);
    expect(start.leaders.map((l) => l.asset)).toEqual(['ETH', 'AVAX', 'W']);
    expect(start.sampled).toEqual(['binance']);
    // Over once the window stayed quiet for 10 min: $724K across 146 assets, 14:00:14-14:00:47, its last print at the
    // pace that called it (the trickle after it is held apart, not told as the flush).
    expect(at(end.ts)).toBe('14:15:38');
    expect(Math.round(end.usd / 1000)).toBe(724);
    expect(end.assetCount).toBe(146);
    expect(at(end.startedAt)).toBe('14:00:14');
    expect(end.endedAt).toBeLessThan(Date.parse('2025-04-30T14:06:00Z'));
  });

  it('posts no edit (the tally grew 3% after the start, under the 25% that is told) and no per-asset cascade', async () => {
    const { alerts } = await runFile(FILE, buildConfig({}));
    expect(alerts.filter((a) => a.kind === 'market_flush_update')).toEqual([]);
    expect(alerts.filter((a) => a.kind.startsWith('cascade'))).toEqual([]);
    // The short squeeze after it ($0.58M of shorts over 22 min) is no flush of its own.
    expect(alerts.filter((a) => a.kind === 'market_flush' && a.side === 'short')).toEqual([]);
    expect(alerts).toHaveLength(2);
  });

  it('live with the all-market stream it is the same flush; a bot that sees the six majors only hears nothing (ETH is most of their window)', async () => {
    const events = (await loadFile(FILE)).batches.flat();
    const all = live(events);
    expect(all.map((a) => `${a.kind} ${at(a.ts)}`)).toEqual(['market_flush 14:00:47', 'market_flush_end 14:15:38']);
    const assets = buildConfig({}).assets;
    const majors = events.filter((e) => !('symbol' in e) || assets.includes(eventAsset(e)));
    expect(live(majors)).toEqual([]);
  });
});
