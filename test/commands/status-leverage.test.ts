/** `/status` says, per venue, when open interest and funding last came, and "stale since" where that is too long ago. */
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { writeEvents } from '../helpers.js';

const T0 = Date.UTC(2026, 0, 28), H = 3_600_000, M = 60_000;
const sym = 'ETH/USDT:USDT';

describe('/status on open interest and funding', () => {
  it('gives each venue its last open interest and funding update, stale ones marked', async () => {
    const lines: object[] = [];
    for (let t = T0; t < T0 + 20 * H; t += 5 * M) lines.push({ type: 'open_interest', ts: t, exchange: 'binanceusdm', symbol: sym, usd: 8e9 });
    for (let t = T0 + 27 * H; t < T0 + 30 * H; t += 5 * M) lines.push({ type: 'open_interest', ts: t, exchange: 'bybit', symbol: sym, usd: 6e9 });
    for (let h = 0; h <= 24; h += 8) lines.push({ type: 'funding', ts: T0 + h * H, exchange: 'okx', symbol: sym, rate: -0.0005, intervalHours: 8 });
    for (let h = 27; h <= 29; h++) lines.push({ type: 'funding', ts: T0 + h * H, exchange: 'bybit', symbol: sym, rate: 0.0001, intervalHours: 1 });
    lines.push({ type: 'candle', ts: T0 + 30 * H - M, exchange: 'binanceusdm', symbol: sym, timeframe: '1m', open: 3000, high: 3000, low: 3000, close: 3000 });
    lines.sort((a, z) => (a as { ts: number }).ts - (z as { ts: number }).ts);
    const run = await runFile(writeEvents(lines), loadConfig());
    const services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
    const r = await runCommandLine('/status', { chat: { key: 'terminal:local', platform: 'terminal', kind: 'terminal' }, user: { id: 'u' }, isAdmin: true, now: run.market.clock, services });
    const t = replyText(r);
    expect(t).toContain([
      'Open interest & funding (last update)',
      'Binance: open interest stale since Jan 28 19:55 · no funding',
      'Bybit: open interest 05:55 · funding 05:00',
      'OKX: no open interest · funding 00:00',
    ].join('\n'));
  });
});
