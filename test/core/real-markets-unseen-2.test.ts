/**
 * Issue 15: "We will replay real market days you have not seen." Three more public recordings of Binance's sampled
 * forceOrder stream, found and converted in session 37 and replayed once with the rules unchanged (each file's meta
 * line names its source and conversion; fixtures/sources/README.md lists them):
 * - 2024-06-20 16:32-16:54 UTC, a quiet Thursday afternoon (101 prints; the largest 5 minutes of the whole market $72K);
 * - 2025-06-23 20:59-21:56 UTC, the evening of the Qatar strike and the ceasefire news: a BTC short squeeze at
 *   21:13-21:18 ($1.07M of BTC shorts in 5 min, BTC +0.3%) and a broad long flush at 21:27-21:28 ($614K across 46
 *   assets in 5 min), each 12-14% under the thresholds a Binance-only view starts with (BTC $1.24M; market-wide $700K);
 *   its prices are the engine's order prices (the recorder wrote no average price), and it keeps 11 prints of dated
 *   BTC and ETH contracts as the stream sent them;
 * - 2025-10-25 17:25-17:52 UTC, a quiet Saturday (PIPPIN +49% on $37K of shorts; the market's largest 5 minutes $150K).
 * None is called. What is pinned is what a reply may claim on them: exact sums, nothing called, and a dated contract's
 * prints counted in the asset's liquidations.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { Liquidation } from '../../src/core/events.js';
import { runFile } from '../../src/offline.js';
import { checkRecording, prints, RECORDING_CHECK, type Recording } from './real-check.js';

const FILES = {
  quietThursday: 'fixtures/binance-2024-06-20-forceorder.real.jsonl',
  qatarEvening: 'fixtures/binance-2025-06-23-forceorder.real.jsonl',
  quietSaturday: 'fixtures/binance-2025-10-25-forceorder.real.jsonl',
};
const at = (ts: number) => new Date(ts).toISOString().slice(0, 19).replace('T', ' ');
const cents = (xs: readonly Liquidation[]) => Math.round(xs.reduce((s, l) => s + l.usd!, 0) * 100) / 100;

describe('the three recordings, as converted', () => {
  it.each<Recording>([
    [FILES.quietThursday, 101, 30, '2024-06-20 16:32:13', '2024-06-20 16:54:37', 'AlejandroME01/Binance_Data_Streams@57aee3c01b0aa941ea24f08f36edbdf3816aea07 binance_liqs.csv'],
    [FILES.qatarEvening, 1146, 199, '2025-06-23 20:59:38', '2025-06-23 21:56:35', 'NeoParth/strategies@ef6a08dd9333033bb24eb07eb9215a415b8ba5e7'],
    [FILES.quietSaturday, 705, 109, '2025-10-25 17:25:08', '2025-10-25 17:52:45', 'chiefJurist/Trading-Bot@861e44721f3865bd874c30852deb0c676b4418d1 binance_liquidations.csv'],
  ])(RECORDING_CHECK, (...recording) => checkRecording(recording, at));

  it('keeps the dated contracts of 2025-06-23 as ccxt symbols of BTC and ETH', async () => {
    const dated = (await prints(FILES.qatarEvening)).filter((l) => /-\d{6}$/.test(l.symbol));
    expect(dated.map((l) => l.symbol).sort()).toEqual([
      ...Array(6).fill('BTC/USDT:USDT-250627'),
      ...Array(4).fill('BTC/USDT:USDT-250926'),
      'ETH/USDT:USDT-250627',
    ]);
  });
});

describe('replayed with the default config', () => {
  it.each(Object.entries(FILES))('%s: no alert (no cascade, no market-wide flush, no level: the files have none)', async (_name, file) => {
    const { alerts } = await runFile(file, buildConfig({}));
    expect(alerts).toEqual([]);
  });

  it('sums every print once, a dated contract in its asset', async () => {
    const liqs = await prints(FILES.qatarEvening);
    const side = (s: string) => liqs.filter((l) => l.side === s);
    expect([cents(side('long')), cents(side('short'))]).toEqual([1093618.23, 2201545.5]);
    const btc = liqs.filter((l) => l.symbol.startsWith('BTC/'));
    expect(btc).toHaveLength(86);
  });
});
