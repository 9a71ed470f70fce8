/**
 * `/status` tells a candle's price at its close, as the other replies do since a candle's price is shown at its close:
 * the 07:15 5m candle's close is 07:20's price, not 07:19's (the minute lookups place it in). A tick is told at its own time.
 */
import { expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';

const at = (iso: string) => Date.parse(iso);

async function lastPrices(market: Market, now: number): Promise<string | undefined> {
  const config = loadConfig();
  const services = createServices({ config, market, store: createMemoryStore(), now: () => now });
  const r = await runCommandLine('/status', { chat: { key: 'telegram:-31', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now, services });
  return replyText(r).split('\n').find((l) => l.startsWith('Last prices: '));
}

it("says a candle's price at the candle's close, 07:20 for the 07:15 5m candle; a tick at its own time", async () => {
  const market = new Market(loadConfig());
  market.ingest({ type: 'candle', ts: at('2026-12-02T07:15:00Z'), exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', timeframe: '5m', open: 104_000, high: 104_300, low: 103_900, close: 104_200 });
  market.ingest({ type: 'price', ts: at('2026-12-02T07:21:30Z'), exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', price: 3_012.5 });
  market.catchUp(at('2026-12-02T07:22:00Z'));
  expect(await lastPrices(market, at('2026-12-02T07:22:00Z'))).toBe('Last prices: BTC $104,200 at 07:20 · ETH $3,013 at 07:21 · SOL none yet · XRP none yet · DOGE none yet · BNB none yet');
});
