/** Shared test helpers: temp files, generated days through the real offline path, captured CLI output. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { buildConfig } from '../config/load.js';
import { runFile, type OfflineRun } from '../src/offline.js';
import { main } from '../src/cli.js';
import { generateDay, toJsonl, type DayOptions } from '../scripts/market-day.js';
import type { Liquidation, MarketEvent } from '../src/core/events.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'liqbot-test-'));
  dirs.push(d);
  return d;
}

export function writeEvents(lines: (string | object)[], name = 'events.jsonl'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

export function writeDay(opts: DayOptions): string {
  const path = join(tempDir(), 'day.jsonl');
  writeFileSync(path, toJsonl(generateDay(opts)));
  return path;
}

export async function replayDay(opts: DayOptions, override: object = {}): Promise<OfflineRun> {
  return runFile(writeDay(opts), buildConfig(override));
}

export const BUNDLED = 'fixtures/eth-2026-01-31.synthetic.jsonl';
export const DAY0 = Date.parse('2026-03-02T00:00:00Z');
export const H = 3_600_000;

/** Run the CLI in-process, capturing stdout, stderr and the exit code. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** A TCP port free on 127.0.0.1 a moment ago (for a child process that must be told its port). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * The six default majors liquidating longs on Bybit together from `t0`, a round every 15 s for `rounds` rounds, each
 * round a tenth of the asset's $ in `usd` (BTC $1.2M … BNB $150K by default): a market-wide flush as the live feeds
 * would bring it.
 */
export function majorsFlush(t0: number, rounds = 20): MarketEvent[] {
  const usd = { BTC: 1_200_000, ETH: 900_000, SOL: 500_000, XRP: 300_000, DOGE: 250_000, BNB: 150_000 };
  const out: MarketEvent[] = [];
  for (let round = 0; round < rounds; round++) {
    Object.entries(usd).forEach(([asset, v], k) =>
      out.push({ type: 'liquidation', ts: t0 + round * 15_000 + k * 100, exchange: 'bybit', symbol: `${asset}/USDT:USDT`, side: 'long', price: 1, amount: v / 10, usd: v / 10 }),
    );
  }
  return out;
}


/** Forty assets outside the default six: ALT01 … ALT40. */
export const UNTRACKED_ALTS = Array.from({ length: 40 }, (_, i) => `ALT${String(i + 1).padStart(2, '0')}`);

/**
 * A market-wide long flush as the live feeds bring it with an all-market stream, from `t0`, a round every 15 s for
 * `rounds` rounds. Each round: the six majors on Bybit ($600K: BTC $400K, ETH $100K, SOL $50K, XRP and DOGE $20K, BNB
 * $10K), then forty other assets (`UNTRACKED_ALTS`) on Binance USDⓈ-M, as `!forceOrder@arr` brings them ($501K: ALT01
 * $150K, the other 39 $9K each).
 */
export function allMarketFlush(t0: number, rounds = 20): Liquidation[] {
  const majors: Record<string, number> = { BTC: 400_000, ETH: 100_000, SOL: 50_000, XRP: 20_000, DOGE: 20_000, BNB: 10_000 };
  const long = (ts: number, asset: string, usd: number, exchange: string): Liquidation => ({ type: 'liquidation', ts, exchange, symbol: `${asset}/USDT:USDT`, side: 'long', price: 1, amount: usd, usd });
  const out: Liquidation[] = [];
  for (let round = 0; round < rounds; round++) {
    const t = t0 + round * 15_000;
    Object.entries(majors).forEach(([a, usd], k) => out.push(long(t + k, a, usd, 'bybit')));
    UNTRACKED_ALTS.forEach((a, k) => out.push(long(t + 100 + k, a, a === 'ALT01' ? 150_000 : 9_000, 'binanceusdm')));
  }
  return out;
}
