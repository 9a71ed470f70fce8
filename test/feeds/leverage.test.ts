/**
 * Open interest and funding through the real ccxt code against local stand-ins of each exchange's public
 * REST API: each venue's format, sizing in dollars (coins × mark on linear contracts, contracts × contract
 * value on inverse ones), funding intervals, pacing, and what happens while an exchange is unreachable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/log.js';
import { toEvent, type Funding, type MarketEvent, type OpenInterest } from '../../src/core/events.js';
import { startLeveragePolling, type LeverageOverride, type LeveragePolling } from '../../src/feeds/leverage.js';
import { BINANCE_COINM_MARKETS, BINANCE_USDM_MARKETS, BITFINEX_MARKETS, BYBIT_MARKETS, DERIBIT_MARKETS, GATE_MARKETS, HTX_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { startBinanceCoinm, startBinanceUsdm } from '../fakes/leverage/binance.js';
import { startBybit } from '../fakes/leverage/bybit.js';
import { startOkx } from '../fakes/leverage/okx.js';
import { startHtx } from '../fakes/leverage/htx.js';
import { startGate } from '../fakes/leverage/gate.js';
import { startBitfinex } from '../fakes/leverage/bitfinex.js';
import { startDeribit } from '../fakes/leverage/deribit.js';
import { closedPort, type FakeRestServer } from '../fakes/leverage/server.js';
import { testConfig, waitFor } from './helpers.js';

/** Every bottleneck the pollers build, with its options (the pace is bottleneck's job; ours is to ask for it). */
const limiters = vi.hoisted(() => [] as { options: unknown; jobs: number }[]);
vi.mock('bottleneck', async (importOriginal) => {
  const { default: Bottleneck } = await importOriginal<typeof import('bottleneck')>();
  class Recording extends Bottleneck {
    private readonly seen = { options: undefined as unknown, jobs: 0 };
    constructor(options?: ConstructorParameters<typeof Bottleneck>[0]) {
      super(options);
      this.seen.options = options;
      limiters.push(this.seen);
    }
    override schedule(...args: unknown[]): Promise<never> {
      this.seen.jobs++;
      return (super.schedule as (...a: unknown[]) => Promise<never>)(...args);
    }
  }
  return { default: Recording };
});

class Sink {
  readonly events: MarketEvent[] = [];
  event(e: MarketEvent): void {
    this.events.push(e);
  }
  get oi(): OpenInterest[] {
    return this.events.filter((e): e is OpenInterest => e.type === 'open_interest');
  }
  get funding(): Funding[] {
    return this.events.filter((e): e is Funding => e.type === 'funding');
  }
  oiOf(symbol: string): OpenInterest | undefined {
    return this.oi.find((e) => e.symbol === symbol);
  }
  fundingOf(symbol: string): Funding | undefined {
    return this.funding.find((e) => e.symbol === symbol);
  }
}

/** Log lines by level, to check what a person would see. */
function memoryLog() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  const log = { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error') } as unknown as Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
  return { log, lines, count: (level: string, re: RegExp) => lines.filter((l) => l.level === level && re.test(l.msg)).length };
}

/**
 * Every timer started (setTimeout, setInterval) from now until `restore()`: `holding()` lists, by where each was
 * started, those still pending (neither run nor cleared) that keep the process alive (not unref'd).
 */
function watchTimers(): { holding(): string[]; restore(): void } {
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval, clearTimeout: globalThis.clearTimeout, clearInterval: globalThis.clearInterval };
  const pending = new Map<unknown, { timer: NodeJS.Timeout; stack: string }>();
  const key = (t: unknown): unknown => (t !== null && typeof t === 'object' && Symbol.toPrimitive in t ? Number(t) : t);
  const where = (): string => (new Error().stack ?? '').split('\n').slice(3, 9).join('\n');
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer: NodeJS.Timeout = real.setTimeout((...a: unknown[]) => {
      pending.delete(key(timer));
      fn(...a);
    }, ms, ...args);
    pending.set(key(timer), { timer, stack: where() });
    return timer;
  }) as typeof setTimeout;
  globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = real.setInterval(fn, ms, ...args);
    pending.set(key(timer), { timer, stack: where() });
    return timer;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((t?: NodeJS.Timeout | string | number) => {
    pending.delete(key(t));
    real.clearTimeout(t);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((t?: NodeJS.Timeout | string | number) => {
    pending.delete(key(t));
    real.clearInterval(t);
  }) as typeof clearInterval;
  return {
    holding: () => [...pending.values()].filter((p) => p.timer.hasRef()).map((p) => p.stack),
    restore: () => Object.assign(globalThis, real),
  };
}

const FAST: LeverageOverride = { minTimeMs: 1, backoff: { baseMs: 10, maxMs: 40 } };
const T0 = Date.UTC(2026, 0, 31, 12);

let polling: LeveragePolling | undefined;
const servers: FakeRestServer[] = [];
afterEach(async () => {
  await polling?.stop();
  polling = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function poll(exchange: string, override: LeverageOverride, assets: string[], opts: { intervalMs?: number; log?: ReturnType<typeof memoryLog>['log'] } = {}) {
  const sink = new Sink();
  let t = T0;
  polling = await startLeveragePolling({
    config: testConfig([exchange], assets),
    sink,
    intervalMs: opts.intervalMs ?? 60_000,
    overrides: { [exchange]: { ...FAST, ...override } },
    now: () => (t += 1000),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return sink;
}

async function fake(start: () => Promise<FakeRestServer>): Promise<FakeRestServer> {
  const s = await start();
  servers.push(s);
  return s;
}

describe('binance USDⓈ-M', () => {
  it('sizes open interest in coins at the mark price and reads funding per 8 h, or the interval fundingInfo lists', async () => {
    const ex = await fake(startBinanceUsdm);
    ex.book.set('ETHUSDT', { openInterest: 2_150_000.5, markPrice: 2_500, fundingRate: 0.00028 });
    ex.book.set('ETHUSDC', { openInterest: 40_000, markPrice: 2_501, fundingRate: 0.0001, intervalHours: 4 });
    const sink = await poll('binanceusdm', { rest: ex.url, markets: BINANCE_USDM_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 2 && sink.funding.length === 2, 'one round of ETH contracts');
    // 2,150,000.5 ETH × $2,500 = $5,375,001,250.
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'binanceusdm', usd: 5_375_001_250, contracts: 2_150_000.5 });
    expect(sink.oiOf('ETH/USDC:USDC')).toMatchObject({ usd: 100_040_000, contracts: 40_000 });
    expect(sink.fundingOf('ETH/USDT:USDT')).toMatchObject({ rate: 0.00028, intervalHours: 8 });
    expect(sink.fundingOf('ETH/USDC:USDC')).toMatchObject({ rate: 0.0001, intervalHours: 4 });
    expect(ex.to('/fapi/v1/openInterest').map((r) => r.query.get('symbol')).sort()).toEqual(['ETHUSDC', 'ETHUSDT']);
    // The most traded contract comes last in a round.
    expect(sink.oi.map((e) => e.symbol)).toEqual(['ETH/USDC:USDC', 'ETH/USDT:USDT']);
  });

  it("a coin listed as a multiplied contract (1000PEPE) is polled there and its events carry the coin's symbol", async () => {
    const ex = await fake(startBinanceUsdm);
    ex.book.set('1000PEPEUSDT', { openInterest: 2_000_000, markPrice: 0.012, fundingRate: 0.0003 });
    const sink = await poll('binanceusdm', { rest: ex.url, markets: BINANCE_USDM_MARKETS }, ['PEPE']);
    await waitFor(() => sink.oi.length === 1 && sink.funding.length === 1, 'one round of the PEPE contract');
    expect(ex.to('/fapi/v1/openInterest').map((r) => r.query.get('symbol'))).toEqual(['1000PEPEUSDT']);
    // 2,000,000 contracts of 1,000 PEPE at $0.012 each: $24,000 either way it is counted.
    expect(sink.oiOf('PEPE/USDT:USDT')).toMatchObject({ exchange: 'binanceusdm', usd: 24_000 });
    expect(sink.fundingOf('PEPE/USDT:USDT')).toMatchObject({ rate: 0.0003, intervalHours: 8 });
    expect([...sink.oi, ...sink.funding].map((e) => e.symbol)).toEqual(['PEPE/USDT:USDT', 'PEPE/USDT:USDT']);
  });

  it('every event it emits is valid in the event-file format', async () => {
    const ex = await fake(startBinanceUsdm);
    ex.book.set('ETHUSDT', { openInterest: 1000, markPrice: 2_500, fundingRate: -0.0001 });
    ex.book.set('ETHUSDC', { openInterest: 0, markPrice: 2_500, fundingRate: 0 });
    const sink = await poll('binanceusdm', { rest: ex.url, markets: BINANCE_USDM_MARKETS }, ['ETH']);
    await waitFor(() => sink.events.length === 4, 'four events');
    for (const e of sink.events) expect(toEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
  });
});

describe('binance COIN-M (inverse)', () => {
  it('counts contracts worth 100 USD (BTC) and 10 USD (ETH), whatever the price', async () => {
    const ex = await fake(startBinanceCoinm);
    ex.book.set('BTCUSD_PERP', { openInterest: 1_200_000, markPrice: 78_000, fundingRate: 0.0001 });
    ex.book.set('ETHUSD_PERP', { openInterest: 5_000_000, markPrice: 2_500, fundingRate: 0.00005 });
    const sink = await poll('binancecoinm', { rest: ex.url, markets: BINANCE_COINM_MARKETS }, ['BTC', 'ETH']);
    await waitFor(() => sink.oi.length === 2 && sink.funding.length === 2, 'BTC and ETH');
    expect(sink.oiOf('BTC/USD:BTC')).toMatchObject({ exchange: 'binancecoinm', usd: 120_000_000, contracts: 1_200_000 });
    expect(sink.oiOf('ETH/USD:ETH')).toMatchObject({ usd: 50_000_000, contracts: 5_000_000 });
    expect(sink.fundingOf('ETH/USD:ETH')).toMatchObject({ rate: 0.00005, intervalHours: 8 });
    expect(ex.to('/dapi/v1/premiumIndex')).toHaveLength(2);
  });
});

describe('bybit', () => {
  it('linear open interest is in coins (× mark), inverse in USD; it asks for the freshest 5-minute point', async () => {
    const ex = await fake(startBybit);
    ex.book.set('ETHUSDT', { openInterest: 1_000_000, markPrice: 2_400, fundingRate: 0.0002 });
    ex.book.set('ETHPERP', { openInterest: 20_000, markPrice: 2_401, fundingRate: 0.0001 });
    ex.book.set('ETHUSD', { openInterest: 150_000_000, markPrice: 2_400, fundingRate: -0.00003 });
    const sink = await poll('bybit', { rest: ex.url, markets: BYBIT_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 3 && sink.funding.length === 3, 'three ETH contracts');
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'bybit', usd: 2_400_000_000, contracts: 1_000_000 });
    expect(sink.oiOf('ETH/USDC:USDC')).toMatchObject({ usd: 48_020_000, contracts: 20_000 });
    // Inverse: the number is dollars (1 USD per contract), not the price times anything.
    expect(sink.oiOf('ETH/USD:ETH')).toMatchObject({ usd: 150_000_000, contracts: 150_000_000 });
    expect(sink.fundingOf('ETH/USD:ETH')).toMatchObject({ rate: -0.00003, intervalHours: 8 });
    const inverse = ex.to('/v5/market/open-interest').find((r) => r.query.get('symbol') === 'ETHUSD')!;
    expect(inverse.query.get('category')).toBe('inverse');
    expect(inverse.query.get('intervalTime')).toBe('5min');
  });
});

describe('okx', () => {
  it('counts contracts: 0.1 ETH each on ETH-USDT-SWAP (× mark), 10 USD each on ETH-USD-SWAP; the interval from the funding times', async () => {
    const ex = await fake(startOkx);
    ex.book.set('ETH-USDT-SWAP', { openInterest: 2_000_000, markPrice: 2_500, fundingRate: 0.0001 });
    ex.book.set('ETH-USD-SWAP', { openInterest: 400_000, markPrice: 2_500, fundingRate: 0.00002, intervalHours: 4 });
    const sink = await poll('okx', { rest: ex.url, markets: OKX_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 2 && sink.funding.length === 2, 'two ETH swaps');
    // 2,000,000 × 0.1 ETH = 200,000 ETH × $2,500 = $500M.
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'okx', usd: 500_000_000, contracts: 2_000_000 });
    expect(sink.oiOf('ETH/USD:ETH')).toMatchObject({ usd: 4_000_000, contracts: 400_000 });
    expect(sink.fundingOf('ETH/USDT:USDT')).toMatchObject({ rate: 0.0001, intervalHours: 8 });
    expect(sink.fundingOf('ETH/USD:ETH')).toMatchObject({ rate: 0.00002, intervalHours: 4 });
    // The mark price is only needed for the linear swap.
    expect(ex.to('/api/v5/public/mark-price').map((r) => r.query.get('instId'))).toEqual(['ETH-USDT-SWAP']);
  });
});

describe('htx', () => {
  it('takes the open interest in USDT as HTX states it (value), and the funding rate', async () => {
    const ex = await fake(startHtx);
    ex.book.set('ETH-USDT', { openInterest: 120_000, markPrice: 2_500, fundingRate: 0.00005 });
    const sink = await poll('htx', { rest: ex.url, markets: HTX_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 1 && sink.funding.length === 1, 'ETH-USDT open interest and funding');
    // 120,000 ETH × $2,500 = $300M; 12,000,000 contracts of 0.01 ETH.
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'htx', usd: 300_000_000, contracts: 12_000_000 });
    expect(sink.fundingOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'htx', rate: 0.00005, intervalHours: 8 });
  });
});

describe('gate', () => {
  it('takes the newest 5-minute open interest in USDT as Gate states it, and the funding rate with its interval', async () => {
    const ex = await fake(startGate);
    // 5,000,000 contracts of 0.01 ETH = 50,000 ETH × $2,500 = $125M.
    ex.book.set('ETH_USDT', { openInterest: 5_000_000, markPrice: 2_500, fundingRate: 0.0001, intervalHours: 4 });
    const sink = await poll('gate', { rest: ex.url, markets: GATE_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 1 && sink.funding.length === 1, 'ETH_USDT open interest and funding');
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'gate', usd: 125_000_000, contracts: 5_000_000 });
    expect(sink.fundingOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'gate', rate: 0.0001, intervalHours: 4 });
    expect(ex.to('/api/v4/futures/usdt/contract_stats').map((r) => [r.query.get('contract'), r.query.get('interval'), r.query.get('limit')])).toEqual([['ETH_USDT', '5m', '1']]);
  });
});

describe('bitfinex', () => {
  it('reads open interest in coins (× the mark price) and the 8-hour funding from the derivatives status', async () => {
    const ex = await fake(startBitfinex);
    ex.book.set('tETHF0:USTF0', { openInterest: 40_000, markPrice: 2_500, fundingRate: 0.00002 });
    const sink = await poll('bitfinex', { rest: ex.url, markets: BITFINEX_MARKETS }, ['ETH']);
    await waitFor(() => sink.oi.length === 1 && sink.funding.length === 1, 'tETHF0:USTF0 open interest and funding');
    // 40,000 ETH × $2,500 = $100M.
    expect(sink.oiOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'bitfinex', usd: 100_000_000, contracts: 40_000 });
    expect(sink.fundingOf('ETH/USDT:USDT')).toMatchObject({ exchange: 'bitfinex', rate: 0.00002, intervalHours: 8 });
    expect(ex.to('/v2/status/deriv').every((r) => r.query.get('keys') === 'tETHF0:USTF0')).toBe(true);
  });
});

describe('deribit', () => {
  it('open interest is USD on BTC-PERPETUAL (10 USD contracts) and coins × mark on the USDC perpetual; funding over 8 h', async () => {
    const ex = await fake(startDeribit);
    ex.book.set('BTC-PERPETUAL', { openInterest: 1_200_000_000, markPrice: 78_000, fundingRate: 0.00004 });
    ex.book.set('BTC_USDC-PERPETUAL', { openInterest: 500, markPrice: 78_010, fundingRate: 0.00003 });
    const sink = await poll('deribit', { rest: ex.url, markets: DERIBIT_MARKETS }, ['BTC']);
    await waitFor(() => sink.oi.length === 2 && sink.funding.length === 2, 'both BTC perpetuals');
    expect(sink.oiOf('BTC/USD:BTC')).toMatchObject({ exchange: 'deribit', usd: 1_200_000_000, contracts: 120_000_000 });
    // 500 BTC × $78,010 = $39,005,000.
    expect(sink.oiOf('BTC/USDC:USDC')).toMatchObject({ usd: 39_005_000, contracts: 500_000 });
    expect(sink.fundingOf('BTC/USD:BTC')).toMatchObject({ rate: 0.00004, intervalHours: 8 });
    expect(sink.fundingOf('BTC/USDC:USDC')).toMatchObject({ rate: 0.00003, intervalHours: 8 });
    // The dated future is not polled.
    expect(new Set(ex.requests.map((r) => r.query.get('instrument_name')))).toEqual(new Set(['BTC-PERPETUAL', 'BTC_USDC-PERPETUAL']));
  });
});

describe('polling', () => {
  it('polls again every interval, each round stamped with the bot clock', async () => {
    const ex = await fake(startOkx);
    ex.book.set('ETH-USDT-SWAP', { openInterest: 1_000, markPrice: 2_000, fundingRate: 0.0001 });
    ex.book.set('ETH-USD-SWAP', { openInterest: 1_000, markPrice: 2_000, fundingRate: 0.0001 });
    const sink = await poll('okx', { rest: ex.url, markets: OKX_MARKETS }, ['ETH'], { intervalMs: 20 });
    await waitFor(() => sink.oi.length >= 3, 'a first round');
    ex.book.get('ETH-USDT-SWAP')!.openInterest = 3_000;
    await waitFor(() => sink.oi.some((e) => e.symbol === 'ETH/USDT:USDT' && e.usd === 600_000), 'the new open interest in a later round');
    const ts = sink.events.map((e) => e.ts);
    expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
    expect(ts[0]).toBeGreaterThan(T0);
  });

  it('paces requests through bottleneck', async () => {
    const ex = await fake(startBinanceUsdm);
    ex.book.set('ETHUSDT', { openInterest: 1, markPrice: 2_000, fundingRate: 0.0001 });
    ex.book.set('ETHUSDC', { openInterest: 1, markPrice: 2_000, fundingRate: 0.0001 });
    limiters.length = 0;
    const sink = await poll('binanceusdm', { rest: ex.url, markets: BINANCE_USDM_MARKETS, minTimeMs: 40 }, ['ETH']);
    await waitFor(() => sink.oi.length === 2, 'one round');
    expect(ex.requests.length).toBeGreaterThanOrEqual(5);
    // One limiter per exchange, one request at a time, starts spaced by minTime; every request went through it.
    expect(limiters).toHaveLength(1);
    expect(limiters[0]!.options).toEqual({ maxConcurrent: 1, minTime: 40 });
    expect(limiters[0]!.jobs).toBeGreaterThanOrEqual(ex.requests.length);
  });

  it('a contract the exchange refuses is reported once; the others keep coming', async () => {
    const ex = await fake(startOkx);
    ex.book.set('ETH-USDT-SWAP', { openInterest: 1_000, markPrice: 2_000, fundingRate: 0.0001 });
    // ETH-USD-SWAP is listed in the preset markets but unknown to the exchange.
    const { log, count } = memoryLog();
    const sink = await poll('okx', { rest: ex.url, markets: OKX_MARKETS }, ['ETH'], { intervalMs: 10, log });
    await waitFor(() => sink.oi.length >= 3, 'three rounds of the known swap');
    expect(count('warn', /refused/)).toBe(1);
    expect(count('warn', /unreachable/)).toBe(0);
    expect(sink.events.every((e) => 'symbol' in e && e.symbol === 'ETH/USDT:USDT')).toBe(true);
  });

  it('skips exchanges it has no module for', async () => {
    const { log, count } = memoryLog();
    const sink = new Sink();
    polling = await startLeveragePolling({ config: testConfig(['kraken'], ['ETH']), sink, log });
    expect(count('info', /no open-interest polling for "kraken"/)).toBe(1);
    await polling.stop();
    expect(sink.events).toEqual([]);
  });
});

describe('offline', () => {
  it('an exchange that cannot be reached is reported once, retried with backoff, and stop() still ends everything', async () => {
    const { log, lines, count } = memoryLog();
    const sink = await poll('bybit', { rest: await closedPort() }, ['ETH'], { log });
    await waitFor(() => count('debug', /still unreachable/) >= 3, 'several retries of the market list');
    expect(count('warn', /bybit unreachable \(markets\)/)).toBe(1);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    const delays = lines.filter((l) => /still unreachable/.test(l.msg)).map((l) => l.fields.retryInMs as number);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    await polling!.stop();
    expect(sink.events).toEqual([]);
  });

  it('recovers when the exchange comes back: one warning, one recovery line, then events', async () => {
    const ex = await fake(startOkx);
    ex.book.set('ETH-USDT-SWAP', { openInterest: 10, markPrice: 2_000, fundingRate: 0.0001 });
    ex.book.set('ETH-USD-SWAP', { openInterest: 10, markPrice: 2_000, fundingRate: 0.0001 });
    ex.down = true;
    const { log, count } = memoryLog();
    const sink = await poll('okx', { rest: ex.url, markets: OKX_MARKETS }, ['ETH'], { intervalMs: 10, log });
    await waitFor(() => count('debug', /still unreachable/) >= 2, 'retries while down');
    expect(sink.events).toEqual([]);
    ex.down = false;
    await waitFor(() => sink.oi.length >= 2, 'open interest once reachable');
    expect(count('warn', /okx unreachable \(open interest\)/)).toBe(1);
    await waitFor(() => count('info', /reachable again/) === 1, 'one recovery line');
  });

  it('leaves no sockets or timers behind after stop()', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const timers = watchTimers();
    try {
      const ex = await fake(startBybit);
      ex.book.set('ETHUSDT', { openInterest: 1, markPrice: 2_000, fundingRate: 0.0001 });
      const sink = await poll('bybit', { rest: ex.url, markets: BYBIT_MARKETS }, ['ETH'], { intervalMs: 50_000 });
      await waitFor(() => sink.oi.length >= 1, 'a round');
      // The watch sees the poller's own timers: between rounds it waits on one (the 50 s until the next round).
      await waitFor(() => timers.holding().some((stack) => stack.includes('backoff.ts')), 'the wait for the next round');
      await polling!.stop();
      polling = undefined;
      // Nothing the poller started still holds the process open once stop() has resolved.
      expect(timers.holding().filter((stack) => stack.includes('/src/'))).toEqual([]);
      await ex.close();
      servers.length = 0;
      await waitFor(() => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length <= before, 'sockets closed', 2_000);
      // Nor anything else started during the test (ccxt's, undici's, the fake server's).
      expect(timers.holding()).toEqual([]);
    } finally {
      timers.restore();
    }
  });
});
