/** The prompt's status lines name an exchange as replies do ("Binance", "Binance COIN-M"), never by its feed id. */
import { describe, expect, it } from 'vitest';
import { ExchangeStatusLines } from '../../../src/adapters/terminal/status.js';
import type { FeedStatus } from '../../../src/feeds/contract.js';

const st = (exchange: string, state: FeedStatus['state'], since: number, error?: string): FeedStatus =>
  ({ exchange, stream: 'liquidations', state, since, sampled: false, ...(error ? { error } : {}) });

describe('exchange status lines by name', () => {
  it('says Binance for binanceusdm and Binance COIN-M for binancecoinm, down and back', () => {
    const lines = new ExchangeStatusLines();
    expect(lines.update(st('binanceusdm', 'down', 0, 'connect ECONNREFUSED 127.0.0.1:443'))).toBe(
      'Binance unreachable (connection refused); retrying in the background, replies use stored data meanwhile',
    );
    expect(lines.update(st('binancecoinm', 'down', 0))).toBe('Binance COIN-M unreachable; retrying in the background, replies use stored data meanwhile');
    expect(lines.update(st('binanceusdm', 'live', 45_000))).toBe('Binance reachable again after 45 s');
    expect(lines.update(st('htx', 'down', 50_000))).toBe('HTX unreachable; retrying in the background, replies use stored data meanwhile');
  });
});
