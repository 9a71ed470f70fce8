/**
 * A trader's audit: one asset's `/liqs` gives its part of a market-wide flush as the flush's own alerts do, its tally
 * of the asset, running or over: BTC's $634,954 of Jan 27 2025's long flush, not the $636K of its minutes, which hold
 * a print after the flush's last strong one (17:08:58).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { loadFile, runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { summaryReply } from '../../src/replies/summary.js';

const HOUR = 3_600_000;
const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

/** `/liqs ASSET 1h` as of `iso` (the engine fed the whole file up to then), and the alerts up to then. */
async function liqs(asset: string, iso: string) {
  const to = Date.parse(iso);
  const run = await runFile(await loadFile(JAN27), loadConfig(), { until: to, bucketFrom: to - HOUR });
  const s = run.market.summary(asset, '1h', HOUR, to);
  return { s, text: replyText(summaryReply(s, ['1h'])) };
}

describe("an asset's part of a market-wide flush", () => {
  it("is the flush's own tally of it, the figure its end alert leads with, while it runs and once it is over", async () => {
    const alerts = (await runFile(await loadFile(JAN27), loadConfig())).alerts;
    const end = alerts.find((a) => a.kind === 'market_flush_end');
    if (end?.kind !== 'market_flush_end') throw new Error('no flush end in the file');
    const btc = end.leaders.find((l) => l.asset === 'BTC')!;
    expect(btc.usd).toBeCloseTo(634_953.97, 1);
    // 17:10: the flush runs on (its end is called at 17:23), BTC's prints since 16:50 are $636K with one after 17:08:58.
    const running = await liqs('BTC', '2025-01-27T17:10:00Z');
    expect(running.s.flushes).toHaveLength(1);
    expect(running.s.flushes![0]!.endedAt).toBeUndefined();
    expect(running.s.flushes![0]!.assetUsd).toBeCloseTo(btc.usd, 1);
    expect(running.text).toContain('Market-wide long flush since 16:50 (running): BTC $635K of $2.62M (24%)');
    // Over: the same figure.
    const over = await liqs('BTC', '2025-01-27T17:30:00Z');
    expect(over.s.flushes![0]!.endedAt).toBe(end.endedAt);
    expect(over.s.flushes![0]!.assetUsd).toBeCloseTo(btc.usd, 1);
    expect(over.text).toContain('Market-wide long flush 16:50–17:08: BTC $635K of $2.62M (24%)');
  });
});
