/**
 * An asset taken out of the config's `assets` keeps its chat levels, but no feed prices it any more: `/levels` and
 * `/liqs` say so plainly instead of "No price yet" or "No liquidation data" for good. An asset a recording brings
 * (priced within the last hour) is answered as before.
 */
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { buildConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import { levelId } from '../../src/core/levels.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';

const T0 = Date.UTC(2026, 11, 6, 7, 0);
const MINUTE = 60_000;
const CHAT = 'telegram:-100';

/** A bot restarted with `assets: [BTC, ETH]`, its store still holding a DOGE level of CHAT's from before. */
function restarted() {
  const config = buildConfig({ assets: ['BTC', 'ETH'], exchanges: [] });
  const market = new Market(config);
  market.addLevel({ id: levelId('DOGE', 0.3, CHAT), asset: 'DOGE', level: 0.3, label: 'floor', chat: CHAT, source: 'chat', createdAt: T0 - 30 * 24 * 60 * MINUTE });
  market.ingest({ type: 'price', ts: T0, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3_000 });
  const services = createServices({ config, market, store: createMemoryStore(), now: () => market.clock });
  let tick = 0;
  const ask = async (line: string, chat = CHAT): Promise<{ text: string; tone: string | undefined }> => {
    const ctx: CommandContext = { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: market.clock + ++tick * 61 * 1000, services };
    const r = await runCommandLine(line, ctx);
    return { text: replyText(r), tone: r.tone };
  };
  return { market, ask };
}

describe('an asset no longer tracked', () => {
  it('/levels says it is not tracked, naming the configured assets and the levels kept', async () => {
    const { ask } = restarted();
    const r = await ask('/levels doge');
    expect(r.text).toBe("DOGE is not tracked by this bot (config assets: BTC, ETH); its 1 level is kept.\nThey are watched again once DOGE is back in the config's assets.");
    expect(r.tone).toBe('error');
    expect(r.text).not.toContain('No price yet');
  });

  it('/liqs says the same, not "No liquidation data"', async () => {
    const { ask } = restarted();
    expect((await ask('/liqs doge 4h')).text).toBe("DOGE is not tracked by this bot (config assets: BTC, ETH); its 1 level is kept.\nThey are watched again once DOGE is back in the config's assets.");
  });

  it('a chat without levels on it is told it is not tracked, and nothing about levels', async () => {
    const { ask } = restarted();
    expect((await ask('/levels doge', 'telegram:-200')).text).toBe('DOGE is not tracked by this bot (config assets: BTC, ETH).');
  });

  it('is not tracked either with a price from before it was taken out (restored events, older than an hour)', async () => {
    const { market, ask } = restarted();
    market.ingest({ type: 'price', ts: T0 + MINUTE, exchange: 'bybit', symbol: 'DOGE/USDT:USDT', price: 0.31 });
    market.ingest({ type: 'price', ts: T0 + 2 * 60 * MINUTE, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 3_010 });
    expect((await ask('/levels doge')).text).toContain('DOGE is not tracked by this bot');
  });

  it('/level add refuses a level that could never change; its old level can still be removed', async () => {
    const { market, ask } = restarted();
    expect((await ask('/level add doge 0.25')).text).toBe("DOGE is not tracked by this bot (config assets: BTC, ETH); its 1 level is kept.\nThey are watched again once DOGE is back in the config's assets.");
    expect(market.levels.all().filter((l) => l.asset === 'DOGE')).toHaveLength(1);
    expect((await ask('/level remove doge 0.3')).text).toBe('Removed DOGE $0.3000.');
  });

  it('a tracked asset, and one a recording prices (within the hour), are answered as before', async () => {
    const { market, ask } = restarted();
    expect((await ask('/levels eth')).text).not.toContain('not tracked');
    market.ingest({ type: 'price', ts: T0 + MINUTE, exchange: 'bybit', symbol: 'DOGE/USDT:USDT', price: 0.31 });
    const r = await ask('/levels doge');
    expect(r.text).toContain('DOGE levels');
    expect(r.text).toContain('$0.3000 floor');
    expect((await ask('/liqs doge 4h')).text).toContain('DOGE liquidations · 4h');
  });
});
