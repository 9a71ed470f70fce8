/**
 * The plain-form expressions (`plainLineAt`) read a line one way only: a line written on Windows (CRLF) or with
 * trailing blanks is still a plain line, and a line that is not one (an unknown field after the last key) fails in
 * time linear in its length. Before, numbers such as `0.1111111111111111` could be split into digit runs many ways,
 * and a failing line tried every combination of its four prices: milliseconds a line, a file of them for minutes.
 */
import { describe, expect, it } from 'vitest';
import { plainLine, plainLineAt, toEvent } from '../../src/core/events.js';

const candle = (p: string, tail = '') =>
  `{"type":"candle","ts":1772409600000,"exchange":"bybit","symbol":"ETH/USDT:USDT","timeframe":"1m","open":${p},"high":${p},"low":${p},"close":${p}${tail}}`;
const liquidation = (p: string, tail = '') =>
  `{"type":"liquidation","ts":1772409600000,"exchange":"bybit","symbol":"ETH/USDT:USDT","side":"long","price":${p},"amount":${p},"usd":${p}${tail}}`;

describe('plain-form lines without backtracking', () => {
  it('reads a line ending in CRLF or trailing blanks in the plain form, as the full parser reads it', () => {
    for (const line of [candle('2500.5'), liquidation('0.1111111111111111'), candle('0.1111111111111111')]) {
      const event = toEvent(JSON.parse(line));
      expect(event.ok).toBe(true);
      for (const end of ['\r', ' ', '\t', ' \r']) expect(plainLine(line + end)).toEqual(event.ok && event.event);
    }
  });

  it('refuses, in linear time, thousands of lines whose unknown last field makes them not plain (each fell through after milliseconds)', async () => {
    const p = '0.1111111111111111';
    const text = [candle(p, ',"trades":5'), liquidation(p, ',"trades":5'), candle(p, ' ,"x":1')].join('\n').concat('\n').repeat(2000);
    let found = 0, lines = 0;
    for (let at = 0; at < text.length; at = text.indexOf('\n', at) + 1) {
      if (plainLineAt(text, at) !== -1) found++;
      // A turn of the event loop now and then, so the timeout below can end a run that takes too long: the old
      // expressions took about 16 s on these 6,000 lines, these take milliseconds.
      if (++lines % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(found).toBe(0);
    expect(lines).toBe(6000);
  }, 5_000);
});
