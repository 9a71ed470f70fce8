/**
 * `liqs ASSET --json` carries the market-wide flushes the asset took part in (`flushes`, each with the asset's part,
 * `assetUsd`), as the text reply names them; the spec's fields stay as they were. Checked on the Jan 27 2025 recording,
 * where BTC led the long flush of 16:50–17:08 ($635K of $2.62M).
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.js';

const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
const at = (iso: string) => Date.parse(iso);

describe('liqs ASSET --json and the market-wide flush', () => {
  it('lists the flush BTC took part in, with its part, beside the spec fields; the text names the same flush', async () => {
    const r = await cli('liqs', 'btc', '--data', JAN27, '--window', '1h', '--at', '2025-01-27T17:30:00Z', '--json');
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as Record<string, unknown> & { flushes: { side: string; startedAt: number; endedAt?: number; usd: number; assetUsd: number; assetCount: number }[] };
    for (const field of ['asset', 'window', 'from', 'to', 'longUsd', 'shortUsd', 'totalUsd', 'byExchange', 'largest']) expect(o).toHaveProperty(field);
    expect(o.flushes).toHaveLength(1);
    const f = o.flushes[0]!;
    // From the print that called it to the flush's last, to the millisecond (the text's 16:50–17:08).
    expect([f.side, f.startedAt, f.endedAt]).toEqual(['long', at('2025-01-27T16:50:23.755Z'), at('2025-01-27T17:08:58.454Z')]);
    // Money to the cent, as every figure of the JSON: the asset's part and the flush's whole.
    expect(f.assetUsd).toBeGreaterThan(634_900);
    expect(f.assetUsd).toBeLessThan(635_000);
    expect(f.usd).toBeGreaterThan(2_615_000);
    expect(f.usd).toBeLessThan(2_625_000);
    expect(Math.round(f.assetUsd * 100)).toBe(f.assetUsd * 100);
    expect(f.assetCount).toBeGreaterThanOrEqual(3);
    const text = await cli('liqs', 'btc', '--data', JAN27, '--window', '1h', '--at', '2025-01-27T17:30:00Z');
    expect(text.out).toContain('Market-wide long flush 16:50–17:08: BTC $635K of $2.62M (24%)');
  });

  it('says an empty list where the asset took part in no flush (JUP liquidated shorts alone)', async () => {
    const r = await cli('liqs', 'jup', '--data', JAN27, '--window', '1h', '--at', '2025-01-27T17:06:00Z', '--json');
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as { shortUsd: number; longUsd: number; flushes: unknown[] };
    expect(o.shortUsd).toBeGreaterThan(0);
    expect(o.longUsd).toBe(0);
    expect(o.flushes).toEqual([]);
  });
});
