/**
 * The Store contract: one suite every implementation must pass (memory.test.ts, sqlite.test.ts and
 * postgres.test.ts run it), through the async interface, so the embedded and server stores answer alike.
 * Its titles are the spec of the store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../src/core/events.js';
import { StoreError } from '../../src/store/errors.js';
import { toAsync, type AsyncStore } from '../../src/store/async.js';
import type { Level, LevelTrack } from '../../src/core/levels.js';
import type { Store, Subscription } from '../../src/store/store.js';
import type { Proposal } from '../../src/core/proposals.js';
import {
  DAY, T0, bruteForceDailyTotals, candle, closeTotals, entry, eventKey, funding, liq, oi, rawEventArb, tick, vendorTotal,
} from './fixtures.js';

/** Everything an iterable, async or not, or a promise of an array, yields. */
async function all<T>(source: AsyncIterable<T> | Iterable<T> | Promise<Iterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of await source) out.push(x);
  return out;
}

/** The contract for an embedded (synchronous) store, run through `toAsync`: the same calls, the same answers. */
export function storeContract(name: string, open: () => Store): void {
  asyncStoreContract(name, () => toAsync(open()));
}

/** The contract for a store behind the async interface (PostgreSQL, or an embedded one through toAsync). */
export function asyncStoreContract(name: string, open: () => AsyncStore | Promise<AsyncStore>): void {
  describe(`Store contract: ${name}`, () => {
    const opened: AsyncStore[] = [];
    const fresh = async (): Promise<AsyncStore> => {
      const store = await open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('market events', () => {
      it('stores an identical event once and counts only the new ones', async () => {
        const store = await fresh();
        const a = liq();
        const b = liq({ ts: a.ts + 1 });
        expect(await store.insertEvents([a, b, { ...a }])).toBe(2);
        expect(await store.insertEvents([a, b])).toBe(0);
        expect(await store.insertEvents([b, liq({ side: 'short' })])).toBe(1);
        expect(await all(store.eventsSince(0))).toHaveLength(3);
      });

      it('treats events differing in any one field, or in an optional field being absent, as distinct', async () => {
        const store = await fresh();
        const base = liq();
        const variants: MarketEvent[] = [
          base, liq({ ts: base.ts + 1 }), liq({ exchange: 'bybit' }), liq({ symbol: 'ETH/USD:ETH' }), liq({ side: 'short' }),
          liq({ price: base.price + 0.01 }), liq({ amount: base.amount * 2 }), liq({ usd: base.usd + 1e-9 }),
          candle(), candle({ volume: undefined }), candle({ volume: 0 }), candle({ timeframe: '5m' }), candle({ close: 99_500.5 }),
          oi(), oi({ contracts: undefined }), funding(), funding({ intervalHours: 4 }), tick(), tick({ price: 187.124 }),
        ];
        expect(await store.insertEvents(variants)).toBe(variants.length);
        expect(await store.insertEvents(variants)).toBe(0);
      });

      it('gives back every raw event type exactly as inserted, in time order, from fromMs on', async () => {
        const store = await fresh();
        const events: MarketEvent[] = [
          funding({ ts: T0 + 6 }), liq({ ts: T0 + 1, price: 0.1 + 0.2, amount: 1e-12, usd: 123_456_789.123_456_78 }),
          candle({ ts: T0 + 3 }), candle({ ts: T0 + 2, volume: undefined }), tick({ ts: T0 + 4, price: Number.MIN_VALUE }),
          oi({ ts: T0 + 5, contracts: undefined }), oi({ ts: T0 + 7 }), liq({ ts: T0 + 8, symbol: 'BTC/USD:BTC', side: 'short', price: 1e15, usd: 9.007e15 }),
          funding({ ts: T0 + 9, rate: 0 }),
        ];
        await store.insertEvents(events);
        const inOrder = [...events].sort((a, b) => a.ts - b.ts);
        expect(await all(store.eventsSince(0))).toStrictEqual(inOrder);
        expect(await all(store.eventsSince(T0 + 5))).toStrictEqual(inOrder.filter((e) => e.ts >= T0 + 5));
        expect(await all(store.eventsSince(T0 + 10))).toStrictEqual([]);
      });

      it('can be iterated again, and stopping early is harmless', async () => {
        const store = await fresh();
        await store.insertEvents([liq({ ts: T0 + 1 }), liq({ ts: T0 + 2 }), liq({ ts: T0 + 3 })]);
        const since = store.eventsSince(0);
        for await (const e of since) {
          expect(e.ts).toBe(T0 + 1);
          break;
        }
        expect((await all(since)).map((e) => e.ts)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
        expect(await store.insertEvents([liq({ ts: T0 + 4 })])).toBe(1);
      });

      it('does not store or count level events (levels are kept with putLevel)', async () => {
        const store = await fresh();
        expect(await store.insertEvents([{ type: 'level', ts: T0, asset: 'ETH', level: [2_750, 2_800], label: 'resistance' }, liq()])).toBe(1);
        expect(await all(store.eventsSince(0))).toEqual([liq()]);
        expect(await store.listLevels()).toEqual([]);
      });

      it('keeps vendor totals apart from raw events, replaces a total with the same key, and counts an identical one as nothing', async () => {
        const store = await fresh();
        const all1d = vendorTotal();
        const binance = vendorTotal({ exchange: 'binance', usd: 40e6 });
        const hourly = vendorTotal({ period: '1h', usd: 100e6 });
        expect(await store.insertEvents([all1d, binance, hourly, vendorTotal({ side: 'short', usd: 20e6 })])).toBe(4);
        expect(await store.insertEvents([all1d, binance])).toBe(0);
        expect(await store.insertEvents([vendorTotal({ usd: 490e6 })])).toBe(1);
        expect(await all(store.eventsSince(0))).toEqual([]);
        const totals = await all(store.liquidationTotals());
        expect(totals).toHaveLength(4);
        expect(totals).toContainEqual(vendorTotal({ usd: 490e6 }));
        expect(totals).toContainEqual(binance);
        expect(totals.find((t) => t.exchange === undefined && t.period === '1d' && t.side === 'long')).toStrictEqual(vendorTotal({ usd: 490e6 }));
      });

      it('rejects a batch holding a non-event and stores nothing of it', async () => {
        const store = await fresh();
        await store.insertEvents([liq({ ts: T0 - 1 })]);
        const bad = [liq({ ts: T0 + 1 }), { type: 'bogus', ts: T0 } as unknown as MarketEvent, liq({ ts: T0 + 2 })];
        await expect(store.insertEvents(bad)).rejects.toThrow(StoreError);
        expect(await all(store.eventsSince(0))).toHaveLength(1);
        expect(bruteForceDailyTotals(await all(store.eventsSince(0)))).toEqual(await all(store.dailyTotals(Infinity)));
      });
    });

    describe('daily liquidation totals', () => {
      const batch: MarketEvent[] = [
        liq({ ts: T0 - 1, usd: 1_000.1 }), // the evening before
        liq({ ts: T0, usd: 2_000.2 }), // midnight belongs to the new day
        liq({ ts: T0 + 5, usd: 0.3, exchange: 'bybit' }),
        liq({ ts: T0 + 6, usd: 7.77, side: 'short' }),
        liq({ ts: T0 + 7, symbol: 'ETH/USD:ETH', usd: 3.3 }), // inverse contract: still ETH
        liq({ ts: T0 + 8, symbol: 'btc/usdt:usdt', usd: 50_000 }),
        liq({ ts: T0 + DAY + 1, usd: 4 }),
        tick(), candle(), vendorTotal(),
      ];

      it('sums newly stored liquidations per asset, UTC day, side and exchange, like a brute-force sum', async () => {
        const store = await fresh();
        await store.insertEvents(batch);
        const totals = await all(store.dailyTotals(Infinity));
        expect(closeTotals(totals, bruteForceDailyTotals(batch))).toBe(true);
        expect(totals.filter((t) => t.asset === 'ETH' && t.day === T0 && t.side === 'long' && t.exchange === 'binance')[0]?.usd).toBeCloseTo(2_000.2 + 3.3, 9);
        expect(totals.some((t) => t.asset === 'BTC' && t.day === T0)).toBe(true);
      });

      it('counts nothing twice when the same events are imported again, in any batching', async () => {
        const store = await fresh();
        await store.insertEvents(batch);
        const before = await all(store.dailyTotals(Infinity));
        await store.insertEvents(batch);
        for (const e of batch) await store.insertEvents([e]);
        await store.insertEvents([...batch].reverse());
        expect(await all(store.dailyTotals(Infinity))).toEqual(before);
      });

      it('counts a large batch right when some of it is stored already or repeated within it (many rows per statement)', async () => {
        const store = await fresh();
        const many = Array.from({ length: 130 }, (_, i) => liq({ ts: T0 + i * 1000, usd: 100 + i, side: i % 3 ? 'long' : 'short' }));
        expect(await store.insertEvents(many.slice(40, 60))).toBe(20);
        // Rows 40-59 stored already, row 75 twice: 110 new.
        expect(await store.insertEvents([...many, { ...many[75]! }])).toBe(110);
        expect(closeTotals(await all(store.dailyTotals(Infinity)), bruteForceDailyTotals(many))).toBe(true);
        expect(await store.insertEvents(many)).toBe(0);
      });

      it('lists only days before beforeDayMs', async () => {
        const store = await fresh();
        await store.insertEvents(batch);
        expect((await all(store.dailyTotals(T0))).map((t) => t.day)).toEqual([T0 - DAY]);
        expect(new Set((await all(store.dailyTotals(T0 + DAY))).map((t) => t.day))).toEqual(new Set([T0 - DAY, T0]));
      });

      it('survives pruning of the raw events, as do vendor totals', async () => {
        const store = await fresh();
        await store.insertEvents(batch);
        const totals = await all(store.dailyTotals(Infinity));
        expect(await store.pruneEvents(T0 + 7)).toBe(6); // 4 liquidations, the tick and the candle
        expect((await all(store.eventsSince(0))).map((e) => e.ts)).toEqual([T0 + 7, T0 + 8, T0 + DAY + 1]);
        expect(await all(store.dailyTotals(Infinity))).toEqual(totals);
        expect(await all(store.liquidationTotals())).toEqual([vendorTotal()]);
      });

      it('prunes raw events and vendor totals stamped after futureAfterMs, keeping daily totals', async () => {
        const store = await fresh();
        await store.insertEvents([liq({ ts: T0 }), liq({ ts: T0 + 10 * 365 * DAY }), tick({ ts: T0 + 2 * DAY }), vendorTotal(), vendorTotal({ ts: T0 + 400 * DAY })]);
        expect(await store.pruneEvents(T0 - DAY, T0 + DAY)).toBe(3);
        expect((await all(store.eventsSince(0))).map((e) => e.ts)).toEqual([T0]);
        expect(await all(store.liquidationTotals())).toEqual([vendorTotal()]);
        expect(await store.pruneEvents(T0 - DAY, T0 + DAY)).toBe(0);
      });

      it("sums a vendor's hourly totals of days wholly before beforeMs into daily ones, keeping a daily total the vendor gave", async () => {
        const H = 3_600_000;
        const store = await fresh();
        const yesterday = Array.from({ length: 24 }, (_, h) => vendorTotal({ ts: T0 - DAY + h * H, period: '1h', exchange: 'bybit', usd: 1_000_000 + h }));
        await store.insertEvents([
          ...yesterday,
          vendorTotal({ ts: T0 - DAY + 3 * H, period: '1h', side: 'short', usd: 5e6 }), // every exchange's
          vendorTotal({ ts: T0 - 2 * DAY, period: '1d', exchange: 'okx', usd: 99e6 }), // the vendor's own day total...
          vendorTotal({ ts: T0 - 2 * DAY + H, period: '1h', exchange: 'okx', usd: 1e6 }), // ...wins over its hours
          vendorTotal({ ts: T0 - 2 * DAY + 2 * H, period: '1h', exchange: 'okx', usd: 2e6 }),
          vendorTotal({ ts: T0, period: '1h', exchange: 'bybit', usd: 7e6 }), // the day beforeMs falls in: kept hourly
          vendorTotal({ ts: T0 + 4 * H, period: '1h', exchange: 'bybit', usd: 8e6 }),
          vendorTotal({ ts: T0 - 30 * DAY }), // a daily total: kept for good
        ]);
        expect(await store.pruneEvents(T0 + 5 * H)).toBe(24 + 1 + 2);
        const expected = [
          vendorTotal({ ts: T0 - 30 * DAY }),
          vendorTotal({ ts: T0 - 2 * DAY, period: '1d', exchange: 'okx', usd: 99e6 }),
          vendorTotal({ ts: T0 - DAY, period: '1d', exchange: 'bybit', usd: 24_000_000 + 276 }), // 1,000,000 + 0 … 23
          vendorTotal({ ts: T0 - DAY, period: '1d', side: 'short', usd: 5e6 }),
          vendorTotal({ ts: T0, period: '1h', exchange: 'bybit', usd: 7e6 }),
          vendorTotal({ ts: T0 + 4 * H, period: '1h', exchange: 'bybit', usd: 8e6 }),
        ];
        expect(await all(store.liquidationTotals())).toEqual(expected);
        expect(await store.pruneEvents(T0 + 5 * H)).toBe(0);
        expect(await all(store.liquidationTotals())).toEqual(expected);
        // A day's hours are summed all at once: the next day's, once beforeMs has passed its end.
        expect(await store.pruneEvents(T0 + DAY)).toBe(2);
        expect((await all(store.liquidationTotals())).slice(-1)).toEqual([vendorTotal({ ts: T0, period: '1d', exchange: 'bybit', usd: 15e6 })]);
      });

      it('recognises a re-import only as far back as raw events are kept: a pruned event imported again counts again', async () => {
        // The documented limit of pruning: keep raw events longer than anything is re-imported.
        const store = await fresh();
        await store.insertEvents([liq({ ts: T0, usd: 10 })]);
        await store.pruneEvents(T0 + 1);
        expect(await store.insertEvents([liq({ ts: T0, usd: 10 })])).toBe(1);
        expect((await all(store.dailyTotals(Infinity)))[0]?.usd).toBe(20);
      });

      it('property: a random batch inserted twice stores each distinct event once, and daily totals equal the brute-force sum', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(rawEventArb, { maxLength: 80, size: 'max' }), fc.array(rawEventArb, { maxLength: 20, size: 'max' }), async (events, more) => {
            const store = await open();
            try {
              const batch = [...events, ...events.slice(0, 10), ...more];
              const distinct = new Set(batch.map(eventKey));
              const first = await store.insertEvents(batch);
              const second = await store.insertEvents([...batch].reverse());
              const stored = await all(store.eventsSince(0));
              expect(first).toBe(distinct.size);
              expect(second).toBe(0);
              expect(stored).toHaveLength(distinct.size);
              expect(new Set(stored.map(eventKey))).toEqual(distinct);
              expect(stored.map((e) => e.ts)).toEqual(stored.map((e) => e.ts).sort((a, b) => a - b));
              // Quarter-dollar amounts add exactly, so the sums must be equal, not just close.
              expect(await all(store.dailyTotals(Infinity))).toEqual(bruteForceDailyTotals(batch));
            } finally {
              await store.close();
            }
          }),
          { numRuns: 40 },
        );
      });
    });

    describe('levels', () => {
      const level = (over: Partial<Level> = {}): Level => ({ id: 'eth-3000', asset: 'ETH', level: 3_000, source: 'config', createdAt: T0, ...over });

      it('puts, lists in creation order, replaces by id and removes levels', async () => {
        const store = await fresh();
        const zone = level({ id: 'eth-zone', level: [2_750, 2_800], label: 'resistance', chat: 'telegram:-100', source: 'chat', createdAt: T0 + 2 });
        const auto = level({ id: 'eth-low', level: 2_350, source: 'cascade', createdAt: T0 + 1, expiresAt: T0 + 7 * DAY });
        await store.putLevel(zone);
        await store.putLevel(level());
        await store.putLevel(auto);
        expect(await store.listLevels()).toStrictEqual([level(), auto, zone]);
        await store.putLevel({ ...zone, label: 'first resistance' });
        expect((await store.listLevels()).find((l) => l.id === 'eth-zone')?.label).toBe('first resistance');
        expect(await store.removeLevel('eth-3000')).toBe(true);
        expect(await store.removeLevel('eth-3000')).toBe(false);
        expect((await store.listLevels()).map((l) => l.id)).toEqual(['eth-low', 'eth-zone']);
      });

      it('saves and loads level states, replacing by id; removing a level removes its state', async () => {
        const store = await fresh();
        await store.putLevel(level());
        const holding: LevelTrack = { id: 'eth-3000', position: 'above', state: 'holding', changedAt: T0 };
        const other: LevelTrack = { id: 'btc-100k', state: 'holding', changedAt: T0 };
        await store.saveLevelStates([holding, other]);
        const broken: LevelTrack = { id: 'eth-3000', position: 'below', state: 'broken', changedAt: T0 + 60_000, lastBreak: { ts: T0 + 60_000, direction: 'down', price: 2_990 } };
        await store.saveLevelStates([broken]);
        expect(await store.loadLevelStates()).toStrictEqual([other, broken]);
        await store.removeLevel('eth-3000');
        expect(await store.loadLevelStates()).toStrictEqual([other]);
      });

      it('hands out copies: changing a returned level does not change the store', async () => {
        const store = await fresh();
        await store.putLevel(level({ level: [1, 2] }));
        const [got] = await store.listLevels();
        (got!.level as [number, number])[0] = 99;
        expect((await store.listLevels())[0]!.level).toEqual([1, 2]);
      });
    });

    describe('subscriptions', () => {
      const sub = (chat: string, over: Partial<Subscription> = {}): Subscription => ({
        chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 1e6, updatedAt: T0, ...over,
      });

      it('puts, gets, replaces, lists by chat and deletes subscriptions', async () => {
        const store = await fresh();
        expect(await store.getSubscription('telegram:-1')).toBeUndefined();
        await store.putSubscription(sub('telegram:-1'));
        await store.putSubscription(sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }));
        expect(await store.getSubscription('discord:42')).toStrictEqual(sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }));
        await store.putSubscription(sub('telegram:-1', { enabled: false, minUsd: 5e6, updatedAt: T0 + 1 }));
        expect(await store.listSubscriptions()).toStrictEqual([
          sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }),
          sub('telegram:-1', { enabled: false, minUsd: 5e6, updatedAt: T0 + 1 }),
        ]);
        await store.deleteSubscription('telegram:-1');
        await store.deleteSubscription('telegram:-1');
        expect(await store.getSubscription('telegram:-1')).toBeUndefined();
        expect((await store.listSubscriptions()).map((s) => s.chat)).toEqual(['discord:42']);
      });
    });

    describe('level proposals', () => {
      const proposal = (chat: string, seq: number, over: Partial<Proposal> = {}): Proposal => ({
        id: `${chat}:p${seq}`, chat, asset: 'ETH', level: [2750, 2800], reason: 'where it turns <b>&', proposer: { id: 'u1', name: 'ann' },
        createdAt: T0 + seq, expiresAt: T0 + seq + 2 * DAY, votes: {}, status: 'open', ...over,
      });

      it('puts, gets, replaces by id and lists proposals per chat in creation order, all chats without one', async () => {
        const store = await fresh();
        expect(await store.getProposal('telegram:-1:p1')).toBeUndefined();
        await store.putProposal(proposal('telegram:-1', 2));
        await store.putProposal(proposal('telegram:-1', 1, { level: 2350 }));
        await store.putProposal(proposal('discord:9', 3));
        expect(await store.getProposal('telegram:-1:p1')).toStrictEqual(proposal('telegram:-1', 1, { level: 2350 }));
        expect((await store.listProposals('telegram:-1')).map((p) => p.id)).toEqual(['telegram:-1:p1', 'telegram:-1:p2']);
        expect((await store.listProposals()).map((p) => p.id)).toEqual(['telegram:-1:p1', 'telegram:-1:p2', 'discord:9:p3']);
        const adopted = proposal('telegram:-1', 1, { level: 2350, status: 'adopted', decidedBy: 'boss', decidedAt: T0 + 9, messageRef: '-1:77', levelId: 'telegram:-1:ETH@2350' });
        await store.putProposal(adopted);
        expect(await store.getProposal('telegram:-1:p1')).toStrictEqual(adopted);
        expect(await store.listProposals('telegram:-2')).toEqual([]);
      });

      it("keeps one vote per member: a second vote replaces the first, and saving the proposal again keeps its votes", async () => {
        const store = await fresh();
        await store.putProposal(proposal('telegram:-1', 1));
        await store.putVote('telegram:-1:p1', 'u2', 'up');
        await store.putVote('telegram:-1:p1', 'u3', 'up');
        await store.putVote('telegram:-1:p1', 'u2', 'down');
        expect((await store.getProposal('telegram:-1:p1'))?.votes).toStrictEqual({ u2: 'down', u3: 'up' });
        // A proposal saved with other votes in hand (another process's view) does not erase the stored ones.
        await store.putProposal(proposal('telegram:-1', 1, { status: 'rejected', votes: { u9: 'up' } }));
        const back = await store.getProposal('telegram:-1:p1');
        expect(back?.status).toBe('rejected');
        expect(back?.votes).toStrictEqual({ u2: 'down', u3: 'up' });
        expect((await store.listProposals('telegram:-1'))[0]?.votes).toStrictEqual({ u2: 'down', u3: 'up' });
      });
    });

    describe('outbox', () => {
      it('carries the message an alert replies to, and none when not given', async () => {
        const store = await fresh();
        await store.enqueue([entry('telegram:-1', 'a', { replyTo: '-1:42', target: '7' }), entry('telegram:-1', 'b')]);
        const due = await store.duePending(T0, 10);
        expect(due.map((e) => e.replyTo)).toEqual(['-1:42', undefined]);
        expect('replyTo' in due[1]!).toBe(false);
      });

      it('enqueues each (chat, alertKey) once, also within one batch, and returns the new ids in order', async () => {
        const store = await fresh();
        const ids = await store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b'), entry('telegram:-1', 'a'), entry('discord:9', 'a')]);
        expect(ids).toHaveLength(3);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(await store.enqueue([entry('telegram:-1', 'b'), entry('telegram:-1', 'c')])).toHaveLength(1);
        expect(await store.pendingCount()).toBe(4);
      });

      it('gives back an entry exactly as queued, pending with no attempts', async () => {
        const store = await fresh();
        const e = entry('discord:9', 'cascade:c1:start', { target: '777', editKey: 'cascade:c1', nextAttemptAt: T0 + 5, createdAt: T0 + 4 });
        const [id] = await store.enqueue([e]);
        expect(await store.duePending(T0 + 5, 10)).toStrictEqual([{ ...e, id, status: 'pending', attempts: 0 }]);
      });

      it('returns pending entries due by now in id order, up to the limit', async () => {
        const store = await fresh();
        const ids = await store.enqueue([
          entry('telegram:-1', 'a', { nextAttemptAt: T0 }),
          entry('discord:9', 'b', { nextAttemptAt: T0 + 10 }),
          entry('telegram:-1', 'c', { nextAttemptAt: T0 + 5 }),
          entry('telegram:-1', 'd', { nextAttemptAt: T0 }),
        ]);
        expect(await store.duePending(T0 - 1, 10)).toEqual([]);
        expect((await store.duePending(T0 + 5, 10)).map((e) => e.id)).toEqual([ids[0], ids[2], ids[3]]);
        expect((await store.duePending(T0 + 10, 2)).map((e) => e.id)).toEqual([ids[0], ids[1]]);
      });

      it('reschedules a failed entry: counted, not due until its next attempt, keeping the error', async () => {
        const store = await fresh();
        const [id] = await store.enqueue([entry('telegram:-1', 'a')]);
        await store.markRetry(id!, T0 + 30_000, '429 Too Many Requests');
        expect(await store.duePending(T0 + 29_999, 10)).toEqual([]);
        const [due] = await store.duePending(T0 + 30_000, 10);
        expect(due).toMatchObject({ id, status: 'pending', attempts: 1, nextAttemptAt: T0 + 30_000, lastError: '429 Too Many Requests' });
        expect(await store.pendingCount()).toBe(1);
      });

      it('claims a pending entry until a time without counting an attempt; a final entry cannot be claimed', async () => {
        const store = await fresh();
        const [a, b] = await store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        await store.claim(a!, T0 + 5_000);
        await store.markSent(b!, 'msg-1');
        await store.claim(b!, T0 + 5_000);
        expect(await store.duePending(T0 + 4_999, 10)).toEqual([]);
        expect(await store.duePending(T0 + 5_000, 10)).toMatchObject([{ id: a, attempts: 0, nextAttemptAt: T0 + 5_000, status: 'pending' }]);
        expect(await store.pendingCount()).toBe(1);
      });

      it('counts claimed sends whose outcome was never recorded as unconfirmed; a recorded outcome settles its claim', async () => {
        const store = await fresh();
        const [a, b] = await store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        await store.claim(a!, T0);
        await store.claim(b!, T0);
        await store.markRetry(b!, T0, 'timeout'); // b's send failed, and that was recorded
        expect((await store.duePending(T0, 10)).map((e) => [e.id, e.unconfirmed])).toEqual([[a, 1], [b, undefined]]);
        await store.claim(a!, T0); // a crash interrupted the first send; a second one starts
        await store.claim(b!, T0);
        expect((await store.duePending(T0, 10)).map((e) => [e.id, e.unconfirmed])).toEqual([[a, 2], [b, 1]]);
        await store.markSent(b!, 'msg-1');
        expect((await store.duePending(T0, 10)).map((e) => e.id)).toEqual([a]);
      });

      it('marks entries sent or dropped: no longer pending, and final', async () => {
        const store = await fresh();
        const [a, b] = await store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        await store.markSent(a!, 'msg-1');
        await store.markDropped(b!, 'chat not found');
        expect(await store.pendingCount()).toBe(0);
        expect(await store.duePending(T0 + DAY, 10)).toEqual([]);
        await store.markRetry(a!, T0 + 1, 'late failure');
        await store.markSent(b!, 'msg-2');
        expect(await store.pendingCount()).toBe(0);
        expect(await store.sentMessageRef('telegram:-1', 'x')).toBeUndefined();
      });

      it('finds the message of the latest sent entry of a chat with an edit key', async () => {
        const store = await fresh();
        const [start, update, other, unsent] = await store.enqueue([
          entry('telegram:-1', 'c1:start', { editKey: 'c1' }),
          entry('telegram:-1', 'c1:update:1', { editKey: 'c1' }),
          entry('discord:9', 'c1:start', { editKey: 'c1' }),
          entry('telegram:-1', 'c2:start', { editKey: 'c2' }),
        ]);
        expect(await store.sentMessageRef('telegram:-1', 'c1')).toBeUndefined();
        await store.markSent(start!, 'tg-1');
        expect(await store.sentMessageRef('telegram:-1', 'c1')).toBe('tg-1');
        await store.markSent(update!, 'tg-2'); // the edit had to re-post: later edits go to the new message
        await store.markSent(other!, 'dc-1');
        expect(await store.sentMessageRef('telegram:-1', 'c1')).toBe('tg-2');
        expect(await store.sentMessageRef('discord:9', 'c1')).toBe('dc-1');
        await store.markDropped(unsent!, 'forbidden');
        expect(await store.sentMessageRef('telegram:-1', 'c2')).toBeUndefined();
      });

      it('prunes sent and dropped entries created before the cutoff, never pending ones', async () => {
        const store = await fresh();
        const [sentOld, droppedOld, pendingOld, sentNew] = await store.enqueue([
          entry('telegram:-1', 'a', { createdAt: T0 }),
          entry('telegram:-1', 'b', { createdAt: T0 + 1 }),
          entry('telegram:-1', 'c', { createdAt: T0 + 2 }),
          entry('telegram:-1', 'd', { createdAt: T0 + 10 }),
        ]);
        await store.markSent(sentOld!, 'm1');
        await store.markDropped(droppedOld!, 'gone');
        await store.markSent(sentNew!, 'm4');
        expect(await store.pruneOutbox(T0 + 10)).toBe(2);
        expect(await store.pruneOutbox(T0 + 10)).toBe(0);
        expect((await store.duePending(T0 + DAY, 10)).map((e) => e.id)).toEqual([pendingOld]);
        expect(await store.sentMessageRef('telegram:-1', 'x')).toBeUndefined();
        // A pruned key may be queued again; ids keep growing.
        const [again] = await store.enqueue([entry('telegram:-1', 'a')]);
        expect(again).toBeGreaterThan(sentNew!);
      });
    });

    describe('gaps', () => {
      it('returns the gaps overlapping a window (touching counts), ordered by start', async () => {
        const store = await fresh();
        await store.recordGap({ exchange: 'bybit', from: T0 + 100, to: T0 + 200, reason: 'websocket closed' });
        await store.recordGap({ exchange: 'binance', from: T0, to: T0 + 50, reason: 'reconnect' });
        await store.recordGap({ exchange: 'okx', from: T0 + 300, to: T0 + 400, reason: 'rate limited' });
        const ids = (gs: { exchange: string }[]) => gs.map((g) => g.exchange);
        expect(ids(await store.gaps(T0 + 50, T0 + 100))).toEqual(['binance', 'bybit']);
        expect(ids(await store.gaps(T0 + 150, T0 + 160))).toEqual(['bybit']);
        expect(ids(await store.gaps(T0 + 201, T0 + 299))).toEqual([]);
        expect(ids(await store.gaps(0, T0 + DAY))).toEqual(['binance', 'bybit', 'okx']);
        expect(await store.gaps(T0 + 350, T0 + 350)).toStrictEqual([{ exchange: 'okx', from: T0 + 300, to: T0 + 400, reason: 'rate limited' }]);
      });

      it('records the same gap once, keeping the latest reason', async () => {
        const store = await fresh();
        await store.recordGap({ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'a' });
        await store.recordGap({ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'b' });
        expect(await store.gaps(0, Infinity)).toStrictEqual([{ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'b' }]);
      });

      it('prunes with the raw events the gaps that ended before beforeMs, keeping one that reaches it', async () => {
        const store = await fresh();
        await store.recordGap({ exchange: 'bybit', from: T0 - 3 * DAY, to: T0 - 2 * DAY, reason: 'old' });
        await store.recordGap({ exchange: 'okx', from: T0 - DAY, to: T0, reason: 'reaches it' });
        await store.recordGap({ exchange: 'gate', from: T0 + 5, to: T0 + 9, reason: 'new' });
        expect(await store.pruneEvents(T0)).toBe(1);
        expect((await store.gaps(0, Infinity)).map((g) => g.reason)).toEqual(['reaches it', 'new']);
      });
    });

    it('refuses every call after close() with a StoreError saying the store is closed', async () => {
      const store = await fresh();
      await store.close();
      await store.close(); // closing twice is harmless
      const calls: (() => Promise<unknown>)[] = [
        () => store.insertEvents([liq()]), () => all(store.eventsSince(0)), () => all(store.dailyTotals(0)), () => all(store.liquidationTotals()),
        () => store.listLevels(), () => store.putSubscription({ chat: 'x', enabled: true, assets: [], families: [], minUsd: 0, updatedAt: 0 }),
        () => store.enqueue([entry('x', 'a')]), () => store.duePending(0, 1), () => store.markSent(1, 'm'), () => store.gaps(0, 1),
        () => store.pruneEvents(0), () => store.pruneOutbox(0),
      ];
      for (const call of calls) {
        let error: unknown;
        try {
          await call();
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).code).toBe('closed');
        expect((error as StoreError).message).toMatch(/the store is closed/);
      }
    });
  });
}
