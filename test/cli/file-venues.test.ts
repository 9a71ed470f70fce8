/**
 * Offline, an answer about one asset names the file's venues as its sources even where that asset has no print in the
 * window: the reader tells the exchange of every liquidation line it reads, another asset's too (read in the plain
 * form or in full), and a sampled one is said to be a lower bound.
 */
import { describe, expect, it } from 'vitest';
import { cli, DAY0, H, writeEvents } from '../helpers.js';

const M = 60_000;
const footer = (out: string) => out.trim().split('\n').at(-1)!;

describe('an empty window of a recording', () => {
  it('names the one sampled Binance stream of the real Dec 27 file, as a lower bound', async () => {
    const r = await cli('liqs', 'stbl', '--data', 'fixtures/binance-2025-12-27-forceorder.real.jsonl', '--window', '1h', '--at', '2025-12-27T15:30:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('No STBL liquidations in the last 1h.');
    expect(footer(r.out)).toBe('Sources: Binance* · *sampled stream: a lower bound · 2025-12-27 15:30 UTC');
  });

  it('names the venues of other assets\' lines read in the plain form and in full, those printing by the moment asked about', async () => {
    const path = writeEvents([
      // Plain form (`usd` given): read where they lie, never made events when another asset is asked about. Binance's
      // USD-M stream and a recorder's "binance" are one source.
      ...Array.from({ length: 60 }, (_, i) => ({ type: 'liquidation', ts: DAY0 + 10 * H + i * M, exchange: i % 2 ? 'binance' : 'binanceusdm', symbol: 'BTC/USDT:USDT', side: 'long', price: 80_000, amount: 0.5, usd: 40_000 })),
      // No `usd`: read in full.
      { type: 'liquidation', ts: DAY0 + 10 * H + 30 * M, exchange: 'okx', symbol: 'ETH/USDT:USDT', side: 'short', price: 2_000, amount: 3 },
      // After the moment asked about first: not a source of it.
      { type: 'liquidation', ts: DAY0 + 12 * H, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 80_000, amount: 0.5, usd: 40_000 },
      // XRP's price: the file holds XRP (an asset it holds nothing of has no answer).
      { type: 'price', ts: DAY0 + 10 * H, exchange: 'binanceusdm', symbol: 'XRP/USDT:USDT', price: 2 },
    ].sort((a, b) => a.ts - b.ts));
    const at = await cli('liqs', 'xrp', '--data', path, '--window', '1h', '--at', '2026-03-02T11:00:00Z');
    expect(at.code, at.err).toBe(0);
    expect(at.out).toContain("No XRP liquidations in the last 1h, but the file's liquidation prints cover only 10:00–10:59 of it.");
    expect(footer(at.out)).toBe('Sources: Binance*, OKX* · *sampled stream: a lower bound · liquidation prints in this window: 10:00–10:59 · 2026-03-02 11:00 UTC');
    const end = await cli('liqs', 'xrp', '--data', path, '--window', '1h');
    expect(footer(end.out)).toBe('Sources: Binance*, Bybit, OKX* · *sampled stream: a lower bound · liquidation prints in this window: 12:00 · 2026-03-02 12:00 UTC');
  });

  it('of a complete venue alone carries no lower-bound note', async () => {
    const path = writeEvents([
      { type: 'price', ts: DAY0, exchange: 'bybit', symbol: 'SOL/USDT:USDT', price: 150 },
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'liquidation', ts: DAY0 + i * M, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 80_000, amount: 0.5, usd: 40_000 })),
    ]);
    const r = await cli('liqs', 'sol', '--data', path, '--window', '1h');
    expect(r.out).toContain('No SOL liquidations in the last 1h');
    expect(footer(r.out)).toBe('Sources: Bybit · liquidation prints in this window: 00:00–00:29 · 2026-03-02 00:29 UTC');
  });
});
