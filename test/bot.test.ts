/**
 * The running bot across a restart: history, levels and their states survive in SQLite; alerts raised before
 * the restart are not raised again; `liqbot import` counts nothing twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import type { ChatAdapter, DeliveryResult } from '../src/adapters/contract.js';
import { LiqBot } from '../src/bot.js';
import type { MarketEvent } from '../src/core/events.js';
import { levelId } from '../src/core/levels.js';
import { replyText, type Reply } from '../src/replies/reply.js';
import { newReport, readEventFile } from '../src/io/event-file.js';
import { createMemoryStore } from '../src/store/memory.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { BUNDLED, cli, DAY0, H, tempDir, writeDay } from './helpers.js';

async function bundledEvents(): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of readEventFile(BUNDLED, newReport())) out.push(e);
  return out;
}

function recorder(): ChatAdapter & { texts: string[] } {
  const texts: string[] = [];
  return {
    platform: 'telegram', texts,
    async start() {}, async stop() {},
    async deliver(_to, reply: Reply): Promise<DeliveryResult> {
      texts.push(replyText(reply));
      return { ok: true, messageRef: String(texts.length) };
    },
  };
}

describe('a restart', () => {
  it('keeps levels, their states and history; does not repeat alerts; delivers what comes next', async () => {
    const db = join(tempDir(), 'liqbot.db');
    const events = await bundledEvents();
    const cut = Date.parse('2026-01-31T14:00:00Z');
    let clock = 0;
    const config = loadConfig();

    const store1 = openSqliteStore(db);
    const chat1 = recorder();
    const bot1 = new LiqBot({ config, store: store1, now: () => clock, adapters: { telegram: chat1 } });
    store1.putSubscription({ chat: 'telegram:-1', enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: 0 });
    bot1.outbox.start();
    for (const e of events) {
      if (e.ts > cut) break;
      clock = Math.max(clock, e.ts);
      if (e.type === 'level') {
        // A chat's admin had added the community's levels.
        bot1.apply({ kind: 'level.put', level: { id: levelId(e.asset, e.level), asset: e.asset, level: e.level, ...(e.label ? { label: e.label } : {}), source: 'chat', createdAt: e.ts } });
        continue;
      }
      bot1.ingest(e);
    }
    bot1.flush();
    await bot1.outbox.idle();
    await bot1.outbox.stop();
    expect(chat1.texts).toHaveLength(1);
    expect(chat1.texts[0]).toMatch(/^⬇️ ETH lost \$3,000/);
    store1.close();

    const store2 = openSqliteStore(db);
    const chat2 = recorder();
    const bot2 = new LiqBot({ config, store: store2, now: () => clock, adapters: { telegram: chat2 } });
    bot2.restore();
    bot2.outbox.start();
    const st = bot2.market.levelStatus('ETH');
    expect(st.levels.find((v) => v.level.level === 3000)).toMatchObject({ baseState: 'broken', role: 'resistance' });
    expect(bot2.market.history.priorDays('ETH', 'long', Date.parse('2026-01-31T00:00:00Z'), 200).length).toBeGreaterThan(100);
    for (const e of events) {
      if (e.ts <= cut || e.type === 'level') continue;
      clock = Math.max(clock, e.ts);
      bot2.ingest(e);
    }
    bot2.flush();
    await bot2.outbox.idle();
    const heads = chat2.texts.map((t) => t.split('\n')[0] ?? '');
    expect(heads.some((h) => h.startsWith('⬇️ ETH lost $3,000'))).toBe(false);
    expect(heads[0]).toMatch(/^⬇️ ETH lost \$2,750–2,800/);
    expect(bot2.market.summary('ETH', '24h', 86_400_000).longUsd).toBeGreaterThan(470e6);
    await bot2.outbox.stop();
    store2.close();
  });
});

describe('a restart in the middle of chop around a level', () => {
  it('remembers the crossings: the chop after the restart stays quiet until a decisive break', async () => {
    // The chopping level of test/core/scenarios.test.ts: closes ±0.45% around $3,000 every 90 minutes, then
    // a real breakdown. Uninterrupted, the bot tells the break, the chop and the breakdown: so must two runs.
    const path: [number, number][] = [[0, 3060], [3, 3040]];
    for (let h = 4.5, below = true; h < 15; h += 1.5, below = !below) path.push([h, below ? 2986.5 : 3013.5], [h + 1.25, below ? 2986.5 : 3013.5]);
    path.push([17, 2900], [24, 2905]);
    const file = writeDay({
      day: DAY0, seed: 5,
      assets: [{ asset: 'ETH', path, noisePct: 0.01, longUsd: 20e6, shortUsd: 15e6, exchanges: { bybit: 40, okx: 30, binanceusdm: 30 }, levels: [{ price: 3000 }] }],
    });
    const events: MarketEvent[] = [];
    for await (const e of readEventFile(file, newReport())) events.push(e);
    const db = join(tempDir(), 'liqbot.db');
    const config = loadConfig();
    const cut = DAY0 + 10 * H; // after the break, the chop notice and quiet crossings
    let clock = 0;
    const texts: string[] = [];
    const run = async (part: (e: MarketEvent) => boolean, restore: boolean) => {
      const store = openSqliteStore(db);
      const chat = recorder();
      const bot = new LiqBot({ config, store, now: () => clock, adapters: { telegram: chat } });
      if (restore) bot.restore();
      else store.putSubscription({ chat: 'telegram:-1', enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: 0 });
      bot.outbox.start();
      for (const e of events) {
        if (!part(e)) continue;
        clock = Math.max(clock, e.ts);
        if (e.type === 'level') {
          const level = { id: 'ETH@3000', asset: e.asset, level: e.level, source: 'chat' as const, createdAt: e.ts };
          bot.apply({ kind: 'level.put', level });
          continue;
        }
        bot.ingest(e);
      }
      bot.flush();
      await bot.outbox.idle();
      await bot.outbox.stop();
      store.close();
      texts.push(...chat.texts.map((t) => t.split('\n')[0] ?? ''));
    };
    await run((e) => e.ts <= cut, false);
    await run((e) => e.ts > cut && e.type !== 'level', true);
    // As uninterrupted (test/core/scenarios.test.ts): the break and the chop said once; the decisive close lands on
    // the side the chat last heard of, out of the range: the chop's end the notice promised, nothing else (no second
    // chop notice after the restart either).
    expect(texts.map((t) => (t.split(';')[0] ?? '').split(/:| between /)[0])).toEqual(['⬇️ ETH lost $3,000', '↔️ ETH chopping around $3,000', '⬇️ ETH broke down out of its chop at $3,000']);
    // The notice says the range it chops in.
    expect(texts[1]).toMatch(/chopping around \$3,000 between \$[\d,.]+ and \$[\d,.]+: \d crosses/);
  });
});

describe('liqbot import', () => {
  /** A real recording (Binance's prints of Jan 27, 2025, its candles and a vendor's totals) and a real week of ETH candles with four levels. */
  const PRINTS = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';
  const LEVELS = 'fixtures/binance-2025-09-eth-levels-15m.real.jsonl';
  // One database for the file's imports: the environment is read once per process.
  const db = join(tempDir(), 'import.db');
  beforeAll(() => void (process.env.LIQBOT_DB = db));

  /** What the store holds: levels, vendor totals and the day sums of the stored prints. */
  function stored(): { levels: string[]; totals: number; days: number } {
    const store = openSqliteStore(db);
    try {
      return { levels: store.listLevels().map((l) => l.id), totals: [...store.liquidationTotals()].length, days: [...store.dailyTotals(Date.parse('2030-01-01T00:00:00Z'))].length };
    } finally {
      store.close();
    }
  }

  // First: the database does not exist yet.
  it('refuses a synthetic file: one line saying why and what shows it instead, exit 1, no database made', async () => {
    const r = await cli('import', BUNDLED);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `liqbot: ${BUNDLED} is synthetic (its meta line marks it generated): importing it would show its made-up levels to every chat and rank its made-up daily totals among real ones; nothing imported. Rehearse it with liqbot start --replay ${BUNDLED} (a database of its own), or see the bundled day with npm run demo`,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('loads a file into the store, and a second import counts nothing twice', async () => {
    // 1,344 prints, 324 candles and 312 vendor totals.
    const first = await cli('import', PRINTS);
    expect(first.code).toBe(0);
    expect(first.out).toBe(`imported 1,980 new events of 1,980 (0 already stored) into ${db}`);
    const second = await cli('import', PRINTS);
    expect(second.out).toBe(`imported 0 new events of 1,980 (1,980 already stored) into ${db}`);
    // The day's ETH longs, summed by hand from the file's prints, are what the store keeps for the day.
    let ethLongs = 0;
    for await (const e of readEventFile(PRINTS, newReport())) if (e.type === 'liquidation' && e.symbol.startsWith('ETH/') && e.side === 'long') ethLongs += e.usd ?? e.price * e.amount;
    const store = openSqliteStore(db);
    try {
      const eth = [...store.dailyTotals(Date.parse('2025-01-28T00:00:00Z'))].filter((d) => d.asset === 'ETH' && d.side === 'long');
      expect(eth.map((d) => [d.day, d.exchange])).toEqual([[Date.parse('2025-01-27T00:00:00Z'), 'binance']]);
      expect(eth[0]!.usd).toBeCloseTo(ethLongs, 2);
      expect([...store.liquidationTotals()]).toHaveLength(312);
    } finally {
      store.close();
    }
  });

  it('counts levels apart from events: a level set is not a new event, and one set already is not set again', async () => {
    const first = await cli('import', LEVELS);
    expect(first.out).toBe(`imported 576 new events of 576 (0 already stored) and 4 new levels (0 already set) into ${db}`);
    const second = await cli('import', LEVELS);
    expect(second.out).toBe(`imported 0 new events of 576 (576 already stored) and 0 new levels (4 already set) into ${db}`);
    expect(stored().levels.map((id) => id.split('@')[0])).toEqual(['ETH', 'ETH', 'ETH', 'ETH']);
  });

  it('refuses a synthetic file into a database in use, and leaves what it holds as it was', async () => {
    await cli('import', LEVELS);
    const before = stored();
    expect(before.levels).toHaveLength(4);
    const r = await cli('import', BUNDLED);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is synthetic .*; nothing imported\. Rehearse it with liqbot start --replay /);
    expect(stored()).toEqual(before);
  });
});

describe('a print sent twice', () => {
  it('counts once within ten minutes of event time, and again as new once twenty minutes have passed', () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), clockSkewMs: false });
    const print = (ts: number, price = 3000): MarketEvent => ({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price, amount: 1, usd: price });
    const t0 = Date.parse('2026-01-31T12:00:00Z');
    bot.ingest(print(t0));
    bot.ingest(print(t0)); // a reconnect's replay
    // Other prints move event time on, a generation every ten minutes.
    for (let m = 1; m <= 9; m++) bot.ingest(print(t0 + m * 60_000, 3000 + m));
    bot.ingest(print(t0));
    expect(bot.stats.duplicates).toBe(2);
    for (let m = 10; m <= 25; m++) bot.ingest(print(t0 + m * 60_000, 3000 + m));
    bot.ingest(print(t0)); // forgotten: a new print
    expect(bot.stats.duplicates).toBe(2);
    expect(bot.stats.events).toBe(1 + 9 + 16 + 1);
  });
});
