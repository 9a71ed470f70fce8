/** `liqbot record`: the live stream written as an event file that the offline tools can read back. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEventLine } from '../../src/core/events.js';
import { record, recordedLine } from '../../src/feeds/record.js';
import { allLiquidation, bybitKline, klineTopic, liquidationTopic, startBybit } from '../fakes/exchanges/bybit.js';
import { BYBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { LIQUIDATIONS_TOPIC, liquidationOrders, startOkx } from '../fakes/exchanges/okx.js';
import type { FakeExchangeServer } from '../fakes/exchanges/server.js';
import { FAST_BACKOFF, testConfig, waitFor } from './helpers.js';

const T = Date.UTC(2026, 10, 2, 14, 0);

describe('record', () => {
  let fake: FakeExchangeServer;
  let dir: string;
  beforeEach(async () => {
    fake = await startBybit();
    dir = await mkdtemp(join(tmpdir(), 'liqbot-record-'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  const overrides = () => ({ bybit: { ws: fake.url, markets: BYBIT_MARKETS, rest: false, backoff: FAST_BACKOFF } });

  it('refuses a config without exchanges in one line, before it opens the output (no file, no wait for a stop that never comes)', async () => {
    const out = join(dir, 'none.jsonl');
    const ac = new AbortController();
    await expect(record({ config: testConfig([]), out, dataDir: dir, signal: ac.signal })).rejects.toThrow(/^no exchange to record: the config's `exchanges` is empty/);
    await expect(readFile(out, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('writes every normalized event as one JSON line that parses back as the same event', async () => {
    const out = join(dir, 'day.jsonl');
    const ac = new AbortController();
    const done = record({ config: testConfig(['bybit']), out, dataDir: dir, signal: ac.signal, overrides: overrides() });
    const liq = await fake.subscribed(liquidationTopic('BTCUSDT'));
    liq.send(allLiquidation('BTCUSDT', [{ side: 'Buy', size: 1, price: 60_000, time: T }, { side: 'Sell', size: 2, price: 60_100, time: T + 1 }]));
    const candles = await fake.subscribed(klineTopic('BTCUSDT'));
    candles.send(bybitKline('BTCUSDT', { start: T, open: 1, high: 2, low: 1, close: 2, volume: 3, confirm: true }));
    candles.send(bybitKline('BTCUSDT', { start: T + 60_000, open: 2, high: 2, low: 2, close: 2, volume: 0, confirm: false }));
    const lines = async (): Promise<string[]> => (await readFile(out, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    let written: string[] = [];
    await waitFor(() => {
      void lines().then((l) => (written = l));
      return written.length >= 4;
    }, 'two liquidations, a candle and a price in the file');
    ac.abort();
    const summary = await done;
    const parsed = (await lines()).map(parseEventLine);
    expect(parsed.every((p) => p.ok)).toBe(true);
    const events = parsed.map((p) => (p.ok ? p.event : undefined));
    expect(events.filter((e) => e?.type === 'liquidation')).toEqual([
      { type: 'liquidation', ts: T, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 60_000, amount: 1, usd: 60_000 },
      { type: 'liquidation', ts: T + 1, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'short', price: 60_100, amount: 2, usd: 120_200 },
    ]);
    expect(events.filter((e) => e?.type === 'candle')).toHaveLength(1);
    expect(summary.events).toBe(parsed.length);
    expect(summary.downAtStop).toEqual([]);
  });

  it('a venue it could not reach is said at stop: the file has no line for it (no network here: an empty file)', async () => {
    const out = join(dir, 'blind.jsonl');
    const ac = new AbortController();
    const gone = overrides();
    await fake.close();
    const done = record({ config: testConfig(['bybit']), out, dataDir: dir, signal: ac.signal, overrides: gone });
    // The venue is retried (a refused socket), never live; stopped, the recording says so.
    ac.abort();
    const summary = await done;
    fake = await startBybit(); // for afterEach
    expect(summary.events).toBe(0);
    expect(summary.downAtStop).toEqual(['bybit']);
    expect(recordedLine(summary, out)).toBe(`liqbot record: recorded 0 events to ${out}; not live at the end: Bybit`);
  });

  it('says how long each venue gave no data, and what it left out, naming venues as the replies do', () => {
    const line = recordedLine({ events: 1, gaps: 2, untracked: 3, blind: { binanceusdm: 25_400, okx: 0, gate: 4_000 }, downAtStop: ['binancecoinm', 'okx'] }, 'today.jsonl');
    expect(line).toBe('liqbot record: recorded 1 event to today.jsonl; no data from Binance 25 s, Gate 4 s (not in the file: it has no gap line); not live at the end: Binance COIN-M, OKX; 3 liquidations of assets outside the config left out');
  });

  it('writes to a stream it was given and leaves it open', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ac = new AbortController();
    const done = record({ config: testConfig(['bybit'], ['ETH']), out, dataDir: dir, signal: ac.signal, overrides: overrides() });
    const liq = await fake.subscribed(liquidationTopic('ETHUSD'));
    liq.send(allLiquidation('ETHUSD', [{ side: 'Sell', size: 3_000, price: 3_000, time: T }]));
    await waitFor(() => text.includes('"liquidation"'), 'the liquidation line');
    ac.abort();
    await done;
    expect(out.writableEnded).toBe(false);
    expect(JSON.parse(text.trim().split('\n').find((l) => l.includes('"liquidation"'))!)).toMatchObject({ symbol: 'ETH/USD:ETH', side: 'short', usd: 3_000, amount: 1 });
  });

  it("leaves out the all-market stream's prints of assets outside the config (live they feed the flush alone), counting them", async () => {
    const okx = await startOkx();
    try {
      const out = new PassThrough();
      let text = '';
      out.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const ac = new AbortController();
      const done = record({
        config: testConfig(['okx'], ['BTC']),
        out,
        dataDir: dir,
        signal: ac.signal,
        overrides: { okx: { ws: okx.url, markets: OKX_MARKETS, rest: false, backoff: FAST_BACKOFF } },
      });
      const conn = await okx.subscribed(LIQUIDATIONS_TOPIC);
      conn.send(liquidationOrders([{ instId: 'SOL-USDT-SWAP', details: [{ side: 'sell', sz: 5, bkPx: 150, ts: T }] }, { instId: 'BTC-USDT-SWAP', details: [{ side: 'sell', sz: 1, bkPx: 60_000, ts: T + 1 }] }]));
      await waitFor(() => text.includes('"liquidation"'), 'the BTC line');
      ac.abort();
      const summary = await done;
      const liqs = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; symbol?: string }).filter((e) => e.type === 'liquidation');
      expect(liqs.map((e) => e.symbol)).toEqual(['BTC/USDT:USDT']);
      expect(summary.untracked).toBe(1);
    } finally {
      await okx.close();
    }
  });

  it('stops with a clear error when the event file cannot be written', async () => {
    const ac = new AbortController();
    const out = join(dir, 'no-such-dir', 'day.jsonl');
    await expect(record({ config: testConfig(['bybit']), out, dataDir: dir, signal: ac.signal, overrides: overrides() })).rejects.toThrow(/cannot write the event file: .*ENOENT/);
  });
});
