/**
 * An unreachable exchange is one warning, not two: when its feed has already said so, the open-interest poller tells
 * the same outage (and its end) at debug; when the feed has not (open interest alone is refused), it warns as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import { startLeveragePolling, type LeveragePolling } from '../../src/feeds/leverage.js';
import { OKX_MARKETS } from '../fakes/exchanges/markets.js';
import { startOkx } from '../fakes/leverage/okx.js';
import { closedPort, type FakeRestServer } from '../fakes/leverage/server.js';
import { testConfig, waitFor } from './helpers.js';

const FAST = { minTimeMs: 1, backoff: { baseMs: 10, maxMs: 40 } };

function memoryLog() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_fields: object, msg: string) => void lines.push({ level, msg });
  const log = { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error') } as unknown as Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
  return { log, lines, count: (level: string, re: RegExp) => lines.filter((l) => l.level === level && re.test(l.msg)).length };
}

let polling: LeveragePolling | undefined;
let server: FakeRestServer | undefined;
afterEach(async () => {
  await polling?.stop();
  await server?.close();
  polling = server = undefined;
});

describe('an outage the feed has reported', () => {
  it('is a debug line of the poller, not a second warning', async () => {
    const { log, lines, count } = memoryLog();
    const asked: string[] = [];
    const rest = await closedPort();
    polling = await startLeveragePolling({
      config: testConfig(['bybit'], ['ETH']), sink: { event: () => undefined }, log, overrides: { bybit: { ...FAST, rest } },
      feedReported: (exchange) => (asked.push(exchange), true),
    });
    await waitFor(() => count('debug', /still unreachable/) >= 2, 'retries of the market list');
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'info' || l.level === 'error')).toEqual([]);
    expect(count('debug', /^bybit unreachable \(markets\); retrying in the background$/)).toBe(1);
    expect(asked).toEqual(['bybit']);
  });

  it('ends with a debug line too, and the next outage the feed has not reported is a warning again', async () => {
    server = await startOkx();
    server.book.set('ETH-USDT-SWAP', { openInterest: 10, markPrice: 2_000, fundingRate: 0.0001 });
    server.down = true;
    let feedDown = true;
    const { log, count } = memoryLog();
    let oi = 0;
    polling = await startLeveragePolling({
      config: testConfig(['okx'], ['ETH']), intervalMs: 10, log, overrides: { okx: { ...FAST, rest: server.url, markets: OKX_MARKETS } },
      sink: { event: (e) => void (e.type === 'open_interest' && oi++) },
      feedReported: () => feedDown,
    });
    await waitFor(() => count('debug', /still unreachable/) >= 1, 'a retry while down');
    server.down = false;
    await waitFor(() => count('debug', /okx reachable again/) === 1 && oi > 0, 'the recovery, at debug, then open interest');
    expect(count('warn', /unreachable/) + count('info', /reachable again/)).toBe(0);
    feedDown = false;
    server.down = true;
    await waitFor(() => count('warn', /okx unreachable \(open interest\)/) === 1, 'a warning for an outage of open interest alone');
  });
});

describe('without a feed to ask', () => {
  it('warns once, as before', async () => {
    const { log, count } = memoryLog();
    polling = await startLeveragePolling({ config: testConfig(['bybit'], ['ETH']), sink: { event: () => undefined }, log, overrides: { bybit: { ...FAST, rest: await closedPort() } } });
    await waitFor(() => count('debug', /still unreachable/) >= 2, 'retries of the market list');
    expect(count('warn', /^bybit unreachable \(markets\)/)).toBe(1);
  });
});
