/**
 * The polled venues (Gate, HTX, Bitfinex, Deribit) through the real ccxt code against a local stand-in of their
 * public liquidation history: one contract suite run against each. A liquidation is emitted once whether
 * it comes back in one poll or five, late or on time, across pages, outages and restarts; what the history
 * no longer holds is a gap, never a guess. Time is a fake clock: the history only holds rows up to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bitfinexRow, deribitRow, FakeHistoryServer, gateRow, htxRow, type HistoryRow, type Venue } from '../fakes/exchanges/history.js';
import { BITFINEX_MARKETS, DERIBIT_MARKETS, GATE_MARKETS, HTX_MARKETS } from '../fakes/exchanges/markets.js';
import { VENUES } from '../../src/feeds/venues/registry.js';
import { startAgainst, waitFor, type Running } from './helpers.js';

const T0 = Date.UTC(2026, 10, 2, 14, 0);

interface Case {
  venue: Venue;
  markets: Record<string, unknown>;
  /** The market the rows are on, and its id. */
  symbol: string;
  marketId: string;
  /** A long liquidation of `coins` BTC at `price`, identified by `n`. */
  long(n: number, ts: number, coins: number, price: number): HistoryRow;
  short(n: number, ts: number, coins: number, price: number): HistoryRow;
  pageLimit: number;
  historyMs: number;
}

const CASES: Case[] = [
  {
    venue: 'gate',
    symbol: 'BTC/USDT:USDT',
    marketId: 'BTC_USDT',
    markets: GATE_MARKETS,
    // A Gate contract is 0.0001 BTC; rows have no id, so `n` moves the price by a cent to keep them apart.
    long: (n, ts, coins, price) => gateRow({ market: 'BTC_USDT', ts, size: coins / 0.0001, price: price + n / 100 }),
    short: (n, ts, coins, price) => gateRow({ market: 'BTC_USDT', ts, size: -coins / 0.0001, price: price + n / 100 }),
    pageLimit: 1000,
    historyMs: 86_400_000,
  },
  {
    venue: 'htx',
    symbol: 'BTC/USDT:USDT',
    marketId: 'BTC-USDT',
    markets: HTX_MARKETS,
    long: (n, ts, coins, price) => htxRow({ id: n, market: 'BTC-USDT', ts, side: 'long', coins, price: price + n / 100, contractSize: 0.001 }),
    short: (n, ts, coins, price) => htxRow({ id: n, market: 'BTC-USDT', ts, side: 'short', coins, price: price + n / 100, contractSize: 0.001 }),
    pageLimit: 100,
    historyMs: 2 * 86_400_000,
  },
  {
    venue: 'bitfinex',
    symbol: 'BTC/USDT:USDT',
    marketId: 'tBTCF0:USTF0',
    markets: BITFINEX_MARKETS,
    long: (n, ts, coins, price) => bitfinexRow({ posId: n, market: 'tBTCF0:USTF0', ts, amount: coins, price: price + n / 100 }),
    short: (n, ts, coins, price) => bitfinexRow({ posId: n, market: 'tBTCF0:USTF0', ts, amount: -coins, price: price + n / 100 }),
    pageLimit: 500,
    historyMs: 7 * 86_400_000,
  },
  {
    venue: 'deribit',
    symbol: 'BTC/USDC:USDC',
    marketId: 'BTC_USDC-PERPETUAL',
    markets: DERIBIT_MARKETS,
    // The linear USDC perpetual: `amount` in coins. The taker was liquidated: a taker who sold closed a long.
    long: (n, ts, coins, price) => deribitRow({ tradeId: `USDC-${n}`, market: 'BTC_USDC-PERPETUAL', ts, direction: 'sell', amount: coins, price: price + n / 100, liquidation: 'T' }),
    short: (n, ts, coins, price) => deribitRow({ tradeId: `USDC-${n}`, market: 'BTC_USDC-PERPETUAL', ts, direction: 'buy', amount: coins, price: price + n / 100, liquidation: 'T' }),
    pageLimit: 1000,
    historyMs: 86_400_000,
  },
];

describe('polled venue settings', () => {
  it("keeps each venue's scope, interval, page size and history reach (polledHistory fills in the shared ones)", () => {
    const settings = (venue: string) => {
      const poll = VENUES[venue]!.poll!;
      return [poll.scope, poll.everyMs, poll.pageLimit, poll.historyMs];
    };
    expect(settings('gate')).toEqual(['symbol', 10_000, 1000, 86_400_000]);
    expect(settings('htx')).toEqual(['symbol', 10_000, 100, 2 * 86_400_000]);
    expect(settings('deribit')).toEqual(['symbol', 10_000, 1000, 86_400_000]);
    expect(settings('bitfinex')).toEqual(['all', 30_000, 500, 7 * 86_400_000]);
  });
});

describe.each(CASES)('$venue liquidations by polling', (c) => {
  let fake: FakeHistoryServer;
  let run: Running | undefined;
  let clock: number;
  let dataDir: string;

  const start = async (): Promise<Running> => {
    run = await startAgainst(c.venue, { rest: true, restUrl: fake.url, markets: c.markets, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC'] });
    return run;
  };
  /** Resolves after the poller has asked for the history `n` more times (no fixed sleeps). */
  const polls = async (n = 2): Promise<void> => {
    const target = fake.historyRequests.length + n;
    await waitFor(() => fake.historyRequests.length >= target, `${n} more history requests`);
  };

  beforeEach(async () => {
    clock = T0;
    dataDir = mkdtempSync(join(tmpdir(), `liqbot-poll-${c.venue}-`));
    fake = await FakeHistoryServer.start(c.venue);
  });
  afterEach(async () => {
    await run?.feeds.stop();
    run = undefined;
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the documented rows: the position side and a dollar size from the coins', async () => {
    const r = await start();
    await polls(1);
    fake.add(c.long(1, T0 + 1_000, 0.5, 60_000), c.short(2, T0 + 2_000, 0.1, 61_000));
    clock = T0 + 5_000;
    await waitFor(() => r.sink.liquidations.length === 2, 'two liquidations');
    const [a, b] = r.sink.liquidations;
    expect(a).toMatchObject({ exchange: c.venue, symbol: c.symbol, side: 'long', price: 60_000.01 });
    expect(a!.usd).toBeCloseTo(30_000.005, 6);
    expect(b).toMatchObject({ side: 'short', price: 61_000.02 });
    expect(b!.usd).toBeCloseTo(6_100.002, 6);
    expect(r.status(c.venue, 'liquidations')).toMatchObject({ state: 'live', sampled: false, polledEveryMs: 5 });
  });

  it('emits a row once however many polls see it again inside the overlap', async () => {
    const r = await start();
    fake.add(c.long(1, T0 + 1_000, 1, 60_000));
    clock = T0 + 2_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the first liquidation');
    await polls(5);
    clock = T0 + 60_000;
    await polls(5);
    expect(r.sink.liquidations).toHaveLength(1);
  });

  it('catches a row the exchange publishes late (inside the overlap), once', async () => {
    const r = await start();
    clock = T0 + 30_000;
    await polls(3);
    // Published now, stamped 25 s ago: the previous polls asked up to T0 + 30 s and saw nothing.
    fake.add(c.short(7, T0 + 5_000, 2, 59_000));
    clock = T0 + 31_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the late liquidation');
    await polls(3);
    expect(r.sink.liquidations).toHaveLength(1);
    expect(r.sink.liquidations[0]).toMatchObject({ ts: T0 + 5_000, side: 'short' });
  });

  it('pages back through a burst larger than one page: every row, none twice', async () => {
    const r = await start();
    await polls(1);
    const n = c.pageLimit * 2 + 7;
    // Distinct seconds, so Gate's second-resolution times still order them.
    for (let i = 0; i < n; i++) fake.add(c.long(1_000 + i, T0 + 1_000 + i * 1_000, 0.01, 50_000));
    clock = T0 + 1_000 + n * 1_000;
    await waitFor(() => r.sink.liquidations.length >= n, `${n} liquidations`);
    await polls(3);
    expect(r.sink.liquidations).toHaveLength(n);
    expect(new Set(r.sink.liquidations.map((l) => l.price)).size).toBe(n);
    expect(r.sink.gaps).toEqual([]);
  });

  it('after an outage, fetches what happened during it: each row once, no gap, down then live', async () => {
    const r = await start();
    fake.add(c.long(1, T0 + 1_000, 1, 60_000));
    clock = T0 + 2_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the first liquidation');
    fake.failWith = 503;
    clock = T0 + 600_000;
    await waitFor(() => r.status(c.venue, 'liquidations').state === 'down', 'the liquidation stream down');
    fake.add(c.short(2, T0 + 300_000, 1, 58_000), c.short(3, T0 + 400_000, 1, 57_000));
    fake.failWith = undefined;
    await waitFor(() => r.sink.liquidations.length === 3, 'the two liquidations of the outage');
    await polls(3);
    expect(r.sink.liquidations.map((l) => l.ts)).toEqual([T0 + 1_000, T0 + 300_000, T0 + 400_000]);
    expect(r.status(c.venue, 'liquidations').state).toBe('live');
    expect(r.sink.gaps).toEqual([]);
  });

  it('resumes after a restart where the last run stopped: nothing twice, nothing missed', async () => {
    let r = await start();
    fake.add(c.long(1, T0 + 1_000, 1, 60_000), c.long(2, T0 + 2_000, 1, 60_000));
    clock = T0 + 3_000;
    await waitFor(() => r.sink.liquidations.length === 2, 'two liquidations before the restart');
    await r.feeds.stop();
    // While stopped: one more, within the overlap of the last poll, and one well after it.
    fake.add(c.short(3, T0 + 2_000, 1, 59_000), c.short(4, T0 + 900_000, 1, 59_500));
    clock = T0 + 1_000_000;
    r = await start();
    await waitFor(() => r.sink.liquidations.length === 2, 'the two liquidations of the stop');
    await polls(3);
    expect(r.sink.liquidations.map((l) => l.ts)).toEqual([T0 + 2_000, T0 + 900_000]);
    expect(r.sink.gaps).toEqual([]);
  });

  it('records a gap when an outage outlasts what the public history holds', async () => {
    const r = await start();
    clock = T0 + 1_000;
    await polls(2);
    fake.failWith = 503;
    await waitFor(() => r.status(c.venue, 'liquidations').state === 'down', 'the liquidation stream down');
    clock = T0 + c.historyMs + 3_600_000;
    fake.failWith = undefined;
    await waitFor(() => r.sink.gaps.length === 1, 'a gap');
    expect(r.sink.gaps[0]).toMatchObject({ exchange: c.venue, to: T0 + 3_600_000 });
    expect(r.sink.gaps[0]!.from).toBeLessThanOrEqual(T0 + 1_000);
    expect(r.sink.gaps[0]!.reason).toMatch(/public history reaches back/);
  });

  it('skips an unreadable row, counts it, and keeps polling', async () => {
    const r = await start();
    await polls(1);
    fake.add({ ts: T0 + 1_000, market: c.marketId, row: c.venue === 'bitfinex' ? [['funding', 1]] : { nonsense: true } });
    fake.add(c.long(9, T0 + 2_000, 1, 60_000));
    clock = T0 + 3_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the readable liquidation');
    expect(r.status(c.venue, 'liquidations').malformed).toBeGreaterThanOrEqual(1);
  });
});

describe('bitfinex', () => {
  it('counts a position liquidated once though the history lists its trigger and its match', async () => {
    const fake = await FakeHistoryServer.start('bitfinex');
    const dataDir = mkdtempSync(join(tmpdir(), 'liqbot-poll-bfx-'));
    let clock = T0;
    const r = await startAgainst('bitfinex', { rest: true, restUrl: fake.url, markets: BITFINEX_MARKETS, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC'] });
    try {
      fake.add(bitfinexRow({ posId: 42, market: 'tBTCF0:USTF0', ts: T0 + 1_000, amount: 2, price: 60_000, match: 0 }));
      fake.add(bitfinexRow({ posId: 42, market: 'tBTCF0:USTF0', ts: T0 + 1_200, amount: 2, price: 60_000, match: 1 }));
      clock = T0 + 5_000;
      await waitFor(() => r.sink.liquidations.length >= 1, 'the liquidation');
      const before = fake.historyRequests.length;
      await waitFor(() => fake.historyRequests.length >= before + 3, 'three more polls');
      expect(r.sink.liquidations).toHaveLength(1);
      expect(r.sink.liquidations[0]).toMatchObject({ side: 'long', usd: 120_000 });
      // One request covers every market.
      expect(fake.historyRequests.every((u) => !u.searchParams.has('symbol'))).toBe(true);
    } finally {
      await r.feeds.stop();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('gate filled size', () => {
  it('counts what the liquidation order filled (size − left), and a row with nothing filled as no liquidation', async () => {
    const fake = await FakeHistoryServer.start('gate');
    const dataDir = mkdtempSync(join(tmpdir(), 'liqbot-poll-gate-'));
    let clock = T0;
    const r = await startAgainst('gate', { rest: true, restUrl: fake.url, markets: GATE_MARKETS, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC'] });
    try {
      // A long of 1 BTC (10,000 contracts of 0.0001), 2,500 left unfilled: 0.75 BTC at 60,000 = $45,000.
      fake.add(gateRow({ market: 'BTC_USDT', ts: T0 + 1_000, size: 10_000, price: 60_000, left: 2_500 }));
      // A short of 0.5 BTC with nothing filled.
      fake.add(gateRow({ market: 'BTC_USDT', ts: T0 + 2_000, size: -5_000, price: 61_000, left: 5_000 }));
      // The same in ccxt's sample form: `left` as a plain 0.
      fake.add(gateRow({ market: 'BTC_USDT', ts: T0 + 3_000, size: -1_000, price: 62_000 }));
      clock = T0 + 5_000;
      await waitFor(() => r.sink.liquidations.length === 2, 'two liquidations');
      const before = fake.historyRequests.length;
      await waitFor(() => fake.historyRequests.length >= before + 3, 'three more polls');
      expect(r.sink.liquidations.map((l) => [l.side, l.usd])).toEqual([
        ['long', 45_000],
        ['short', 6_200],
      ]);
      expect(r.status('gate', 'liquidations').malformed).toBe(0);
    } finally {
      await r.feeds.stop();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('htx sizes', () => {
  let fake: FakeHistoryServer;
  let dataDir: string;
  let clock: number;
  let run: Running | undefined;
  beforeEach(async () => {
    clock = T0;
    dataDir = mkdtempSync(join(tmpdir(), 'liqbot-poll-htx-'));
    fake = await FakeHistoryServer.start('htx');
  });
  afterEach(async () => {
    await run?.feeds.stop();
    run = undefined;
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async (): Promise<Running> =>
    (run = await startAgainst('htx', { rest: true, restUrl: fake.url, markets: HTX_MARKETS, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC', 'ETH'] }));

  it("reads ccxt's documented v5 row: 2 contracts of 0.001 BTC at 62978.5 are $125.957, not $125,957", async () => {
    const r = await start();
    fake.add({ ts: T0 + 1_000, market: 'BTC-USDT', row: { id: '150153038758', contract_code: 'BTC-USDT', liquidation_time: String(T0 + 1_000), side: 'buy', position_side: 'short', volume: '2', amount: '2', bankrupt_price: '62978.5', trade_turnover: '125.957' } });
    clock = T0 + 5_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the liquidation');
    expect(r.sink.liquidations[0]).toMatchObject({ symbol: 'BTC/USDT:USDT', side: 'short', price: 62_978.5 });
    expect(r.sink.liquidations[0]!.usd).toBeCloseTo(125.957, 6);
    expect(r.sink.liquidations[0]!.amount).toBeCloseTo(0.002, 9);
  });

  it('sizes by volume × the market’s contract size without trade_turnover, per market (ETH: 0.01)', async () => {
    const r = await start();
    fake.add(htxRow({ id: 1, market: 'ETH-USDT', ts: T0 + 1_000, side: 'long', coins: 3, price: 3_000, contractSize: 0.01, turnover: null }));
    clock = T0 + 5_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the liquidation');
    expect(r.sink.liquidations[0]).toMatchObject({ symbol: 'ETH/USDT:USDT', side: 'long', usd: 9_000 });
    expect(r.sink.liquidations[0]!.amount).toBeCloseTo(3, 9);
  });

  it('trusts trade_turnover over a contract size it contradicts (a stale market list)', async () => {
    const r = await start();
    // HTX says $6,000 for 100 contracts at 60,000 (0.1 BTC): a contract of 0.001 BTC, though our list says 0.01.
    const stale = { ...HTX_MARKETS['BTC/USDT:USDT']!, contractSize: 0.01 };
    await r.feeds.stop();
    run = await startAgainst('htx', { rest: true, restUrl: fake.url, markets: { ...HTX_MARKETS, 'BTC/USDT:USDT': stale }, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC'] });
    fake.add(htxRow({ id: 2, market: 'BTC-USDT', ts: T0 + 1_000, side: 'long', coins: 0.1, price: 60_000, contractSize: 0.001 }));
    fake.add(htxRow({ id: 3, market: 'BTC-USDT', ts: T0 + 2_000, side: 'long', coins: 0.2, price: 60_000, contractSize: 0.001 }));
    clock = T0 + 5_000;
    await waitFor(() => run!.sink.liquidations.length === 2, 'the liquidations');
    expect(run.sink.liquidations.map((l) => l.usd)).toEqual([6_000, 12_000]);
    expect(run.sink.liquidations[0]!.amount).toBeCloseTo(0.1, 9);
  });
});

describe('deribit', () => {
  let fake: FakeHistoryServer;
  let dataDir: string;
  let clock: number;
  let run: Running | undefined;
  beforeEach(async () => {
    clock = T0;
    dataDir = mkdtempSync(join(tmpdir(), 'liqbot-poll-deribit-'));
    fake = await FakeHistoryServer.start('deribit');
  });
  afterEach(async () => {
    await run?.feeds.stop();
    run = undefined;
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async (): Promise<Running> =>
    (run = await startAgainst('deribit', { rest: true, restUrl: fake.url, markets: DERIBIT_MARKETS, pollMs: 5, restMinTimeMs: 0 }, { now: () => clock, dataDir, assets: ['BTC'] }));

  it('counts only the flagged trades, both sides of an "MT" trade, and sizes BTC-PERPETUAL in USD', async () => {
    const r = await start();
    fake.add(
      // An ordinary trade: not a liquidation, not malformed.
      deribitRow({ tradeId: '100', market: 'BTC-PERPETUAL', ts: T0 + 1_000, direction: 'sell', amount: 50_000, price: 60_000 }),
      // The maker was liquidated: the taker bought, so the maker sold, closing a long. $20,000 (USD contracts).
      deribitRow({ tradeId: '101', market: 'BTC-PERPETUAL', ts: T0 + 2_000, direction: 'buy', amount: 20_000, price: 60_100, liquidation: 'M' }),
      // Both sides liquidated: the taker sold (a long), the maker bought (a short), $30,000 each.
      deribitRow({ tradeId: '102', market: 'BTC-PERPETUAL', ts: T0 + 3_000, direction: 'sell', amount: 30_000, price: 59_900, liquidation: 'MT' }),
    );
    clock = T0 + 5_000;
    await waitFor(() => r.sink.liquidations.length === 3, 'three liquidations');
    await waitFor(() => fake.historyRequests.length >= 6, 'more polls');
    const bySide = [...r.sink.liquidations].sort((a, b) => a.ts - b.ts || a.side.localeCompare(b.side));
    expect(bySide.map((l) => [l.symbol, l.side, l.usd, l.price])).toEqual([
      ['BTC/USD:BTC', 'long', 20_000, 60_100],
      ['BTC/USD:BTC', 'long', 30_000, 59_900],
      ['BTC/USD:BTC', 'short', 30_000, 59_900],
    ]);
    expect(bySide[0]!.amount).toBeCloseTo(20_000 / 60_100, 9);
    expect(r.status('deribit', 'liquidations').malformed).toBe(0);
    // One history per perpetual, newest first, never the dated future.
    const asked = new Set(fake.historyRequests.map((u) => u.searchParams.get('instrument_name')));
    expect([...asked].sort()).toEqual(['BTC-PERPETUAL', 'BTC_USDC-PERPETUAL']);
    expect(fake.historyRequests.every((u) => u.searchParams.get('sorting') === 'desc')).toBe(true);
  });

  it('pages back through a page full of ordinary trades to the liquidation behind them', async () => {
    const r = await start();
    await polls(fake, 1);
    fake.add(deribitRow({ tradeId: '1', market: 'BTC-PERPETUAL', ts: T0 + 1_000, direction: 'sell', amount: 10_000, price: 60_000, liquidation: 'T' }));
    for (let i = 0; i < 1_500; i++) fake.add(deribitRow({ tradeId: String(10 + i), market: 'BTC-PERPETUAL', ts: T0 + 2_000 + i, direction: 'buy', amount: 10, price: 60_000 }));
    clock = T0 + 5_000;
    await waitFor(() => r.sink.liquidations.length === 1, 'the liquidation behind 1,500 trades');
    await polls(fake, 3);
    expect(r.sink.liquidations).toHaveLength(1);
    expect(r.sink.liquidations[0]).toMatchObject({ side: 'long', usd: 10_000 });
    expect(r.sink.gaps).toEqual([]);
  });
});

async function polls(fake: FakeHistoryServer, n: number): Promise<void> {
  const target = fake.historyRequests.length + n;
  await waitFor(() => fake.historyRequests.length >= target, `${n} more history requests`);
}
