/**
 * The Store contract: one suite every implementation must pass (memory.test.ts and sqlite.test.ts run it).
 * Its titles are the spec of the store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../src/core/events.js';
import { StoreError } from '../../src/store/errors.js';
import type { Level, LevelTrack } from '../../src/core/levels.js';
import type { Store, Subscription } from '../../src/store/store.js';
import {
  DAY, T0, bruteForceDailyTotals, candle, closeTotals, entry, eventKey, funding, liq, oi, rawEventArb, tick, vendorTotal,
} from './fixtures.js';

const all = <T>(it: Iterable<T>): T[] => [...it];

export function storeContract(name: string, open: () => Store): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = (): Store => {
      const store = open();
      opened.push(store);
      return store;
    };
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });

    describe('market events', () => {
      it('stores an identical event once and counts only the new ones', () => {
        const store = fresh();
        const a = liq();
        const b = liq({ ts: a.ts + 1 });
        expect(store.insertEvents([a, b, { ...a }])).toBe(2);
        expect(store.insertEvents([a, b])).toBe(0);
        expect(store.insertEvents([b, liq({ side: 'short' })])).toBe(1);
        expect(all(store.eventsSince(0))).toHaveLength(3);
      });

      it('treats events differing in any one field, or in an optional field being absent, as distinct', () => {
        const store = fresh();
        const base = liq();
        const variants: MarketEvent[] = [
          base, liq({ ts: base.ts + 1 }), liq({ exchange: 'bybit' }), liq({ symbol: 'ETH/USD:ETH' }), liq({ side: 'short' }),
          liq({ price: base.price + 0.01 }), liq({ amount: base.amount * 2 }), liq({ usd: base.usd + 1e-9 }),
          candle(), candle({ volume: undefined }), candle({ volume: 0 }), candle({ timeframe: '5m' }), candle({ close: 99_500.5 }),
          oi(), oi({ contracts: undefined }), funding(), funding({ intervalHours: 4 }), tick(), tick({ price: 187.124 }),
        ];
        expect(store.insertEvents(variants)).toBe(variants.length);
        expect(store.insertEvents(variants)).toBe(0);
      });

      it('gives back every raw event type exactly as inserted, in time order, from fromMs on', () => {
        const store = fresh();
        const events: MarketEvent[] = [
          funding({ ts: T0 + 6 }), liq({ ts: T0 + 1, price: 0.1 + 0.2, amount: 1e-12, usd: 123_456_789.123_456_78 }),
          candle({ ts: T0 + 3 }), candle({ ts: T0 + 2, volume: undefined }), tick({ ts: T0 + 4, price: Number.MIN_VALUE }),
          oi({ ts: T0 + 5, contracts: undefined }), oi({ ts: T0 + 7 }), liq({ ts: T0 + 8, symbol: 'BTC/USD:BTC', side: 'short', price: 1e15, usd: 9.007e15 }),
          funding({ ts: T0 + 9, rate: 0 }),
        ];
        store.insertEvents(events);
        const inOrder = [...events].sort((a, b) => a.ts - b.ts);
        expect(all(store.eventsSince(0))).toStrictEqual(inOrder);
        expect(all(store.eventsSince(T0 + 5))).toStrictEqual(inOrder.filter((e) => e.ts >= T0 + 5));
        expect(all(store.eventsSince(T0 + 10))).toStrictEqual([]);
      });

      it('can be iterated again, and stopping early is harmless', () => {
        const store = fresh();
        store.insertEvents([liq({ ts: T0 + 1 }), liq({ ts: T0 + 2 }), liq({ ts: T0 + 3 })]);
        const since = store.eventsSince(0);
        for (const e of since) {
          expect(e.ts).toBe(T0 + 1);
          break;
        }
        expect(all(since).map((e) => e.ts)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
        expect(store.insertEvents([liq({ ts: T0 + 4 })])).toBe(1);
      });

      it('does not store or count level events (levels are kept with putLevel)', () => {
        const store = fresh();
        expect(store.insertEvents([{ type: 'level', ts: T0, asset: 'ETH', level: [2_750, 2_800], label: 'resistance' }, liq()])).toBe(1);
        expect(all(store.eventsSince(0))).toEqual([liq()]);
        expect(store.listLevels()).toEqual([]);
      });

      it('keeps vendor totals apart from raw events, replaces a total with the same key, and counts an identical one as nothing', () => {
        const store = fresh();
        const all1d = vendorTotal();
        const binance = vendorTotal({ exchange: 'binance', usd: 40e6 });
        const hourly = vendorTotal({ period: '1h', usd: 100e6 });
        expect(store.insertEvents([all1d, binance, hourly, vendorTotal({ side: 'short', usd: 20e6 })])).toBe(4);
        expect(store.insertEvents([all1d, binance])).toBe(0);
        expect(store.insertEvents([vendorTotal({ usd: 490e6 })])).toBe(1);
        expect(all(store.eventsSince(0))).toEqual([]);
        const totals = all(store.liquidationTotals());
        expect(totals).toHaveLength(4);
        expect(totals).toContainEqual(vendorTotal({ usd: 490e6 }));
        expect(totals).toContainEqual(binance);
        expect(totals.find((t) => t.exchange === undefined && t.period === '1d' && t.side === 'long')).toStrictEqual(vendorTotal({ usd: 490e6 }));
      });

      it('rejects a batch holding a non-event and stores nothing of it', () => {
        const store = fresh();
        store.insertEvents([liq({ ts: T0 - 1 })]);
        const bad = [liq({ ts: T0 + 1 }), { type: 'bogus', ts: T0 } as unknown as MarketEvent, liq({ ts: T0 + 2 })];
        expect(() => store.insertEvents(bad)).toThrow(StoreError);
        expect(all(store.eventsSince(0))).toHaveLength(1);
        expect(bruteForceDailyTotals(all(store.eventsSince(0)))).toEqual(all(store.dailyTotals(Infinity)));
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

      it('sums newly stored liquidations per asset, UTC day, side and exchange, like a brute-force sum', () => {
        const store = fresh();
        store.insertEvents(batch);
        const totals = all(store.dailyTotals(Infinity));
        expect(closeTotals(totals, bruteForceDailyTotals(batch))).toBe(true);
        expect(totals.filter((t) => t.asset === 'ETH' && t.day === T0 && t.side === 'long' && t.exchange === 'binance')[0]?.usd).toBeCloseTo(2_000.2 + 3.3, 9);
        expect(totals.some((t) => t.asset === 'BTC' && t.day === T0)).toBe(true);
      });

      it('counts nothing twice when the same events are imported again, in any batching', () => {
        const store = fresh();
        store.insertEvents(batch);
        const before = all(store.dailyTotals(Infinity));
        store.insertEvents(batch);
        for (const e of batch) store.insertEvents([e]);
        store.insertEvents([...batch].reverse());
        expect(all(store.dailyTotals(Infinity))).toEqual(before);
      });

      it('lists only days before beforeDayMs', () => {
        const store = fresh();
        store.insertEvents(batch);
        expect(all(store.dailyTotals(T0)).map((t) => t.day)).toEqual([T0 - DAY]);
        expect(new Set(all(store.dailyTotals(T0 + DAY)).map((t) => t.day))).toEqual(new Set([T0 - DAY, T0]));
      });

      it('survives pruning of the raw events, as do vendor totals', () => {
        const store = fresh();
        store.insertEvents(batch);
        const totals = all(store.dailyTotals(Infinity));
        expect(store.pruneEvents(T0 + 7)).toBe(6); // 4 liquidations, the tick and the candle
        expect(all(store.eventsSince(0)).map((e) => e.ts)).toEqual([T0 + 7, T0 + 8, T0 + DAY + 1]);
        expect(all(store.dailyTotals(Infinity))).toEqual(totals);
        expect(all(store.liquidationTotals())).toEqual([vendorTotal()]);
      });

      it('prunes raw events and vendor totals stamped after futureAfterMs, keeping daily totals', () => {
        const store = fresh();
        store.insertEvents([liq({ ts: T0 }), liq({ ts: T0 + 10 * 365 * DAY }), tick({ ts: T0 + 2 * DAY }), vendorTotal(), vendorTotal({ ts: T0 + 400 * DAY })]);
        expect(store.pruneEvents(T0 - DAY, T0 + DAY)).toBe(3);
        expect(all(store.eventsSince(0)).map((e) => e.ts)).toEqual([T0]);
        expect(all(store.liquidationTotals())).toEqual([vendorTotal()]);
        expect(store.pruneEvents(T0 - DAY, T0 + DAY)).toBe(0);
      });

      it('recognises a re-import only as far back as raw events are kept: a pruned event imported again counts again', () => {
        // The documented limit of pruning: keep raw events longer than anything is re-imported.
        const store = fresh();
        store.insertEvents([liq({ ts: T0, usd: 10 })]);
        store.pruneEvents(T0 + 1);
        expect(store.insertEvents([liq({ ts: T0, usd: 10 })])).toBe(1);
        expect(all(store.dailyTotals(Infinity))[0]?.usd).toBe(20);
      });

      it('property: a random batch inserted twice stores each distinct event once, and daily totals equal the brute-force sum', () => {
        fc.assert(
          fc.property(fc.array(rawEventArb, { maxLength: 80, size: 'max' }), fc.array(rawEventArb, { maxLength: 20, size: 'max' }), (events, more) => {
            const store = open();
            try {
              const batch = [...events, ...events.slice(0, 10), ...more];
              const distinct = new Set(batch.map(eventKey));
              const first = store.insertEvents(batch);
              const second = store.insertEvents([...batch].reverse());
              const stored = all(store.eventsSince(0));
              expect(first).toBe(distinct.size);
              expect(second).toBe(0);
              expect(stored).toHaveLength(distinct.size);
              expect(new Set(stored.map(eventKey))).toEqual(distinct);
              expect(stored.map((e) => e.ts)).toEqual(stored.map((e) => e.ts).sort((a, b) => a - b));
              // Quarter-dollar amounts add exactly, so the sums must be equal, not just close.
              expect(all(store.dailyTotals(Infinity))).toEqual(bruteForceDailyTotals(batch));
            } finally {
              store.close();
            }
          }),
          { numRuns: 40 },
        );
      });
    });

    describe('levels', () => {
      const level = (over: Partial<Level> = {}): Level => ({ id: 'eth-3000', asset: 'ETH', level: 3_000, source: 'config', createdAt: T0, ...over });

      it('puts, lists in creation order, replaces by id and removes levels', () => {
        const store = fresh();
        const zone = level({ id: 'eth-zone', level: [2_750, 2_800], label: 'resistance', chat: 'telegram:-100', source: 'chat', createdAt: T0 + 2 });
        const auto = level({ id: 'eth-low', level: 2_350, source: 'cascade', createdAt: T0 + 1, expiresAt: T0 + 7 * DAY });
        store.putLevel(zone);
        store.putLevel(level());
        store.putLevel(auto);
        expect(store.listLevels()).toStrictEqual([level(), auto, zone]);
        store.putLevel({ ...zone, label: 'first resistance' });
        expect(store.listLevels().find((l) => l.id === 'eth-zone')?.label).toBe('first resistance');
        expect(store.removeLevel('eth-3000')).toBe(true);
        expect(store.removeLevel('eth-3000')).toBe(false);
        expect(store.listLevels().map((l) => l.id)).toEqual(['eth-low', 'eth-zone']);
      });

      it('saves and loads level states, replacing by id; removing a level removes its state', () => {
        const store = fresh();
        store.putLevel(level());
        const holding: LevelTrack = { id: 'eth-3000', position: 'above', state: 'holding', changedAt: T0 };
        const other: LevelTrack = { id: 'btc-100k', state: 'holding', changedAt: T0 };
        store.saveLevelStates([holding, other]);
        const broken: LevelTrack = { id: 'eth-3000', position: 'below', state: 'broken', changedAt: T0 + 60_000, lastBreak: { ts: T0 + 60_000, direction: 'down', price: 2_990 } };
        store.saveLevelStates([broken]);
        expect(store.loadLevelStates()).toStrictEqual([other, broken]);
        store.removeLevel('eth-3000');
        expect(store.loadLevelStates()).toStrictEqual([other]);
      });

      it('hands out copies: changing a returned level does not change the store', () => {
        const store = fresh();
        store.putLevel(level({ level: [1, 2] }));
        const [got] = store.listLevels();
        (got!.level as [number, number])[0] = 99;
        expect(store.listLevels()[0]!.level).toEqual([1, 2]);
      });
    });

    describe('subscriptions', () => {
      const sub = (chat: string, over: Partial<Subscription> = {}): Subscription => ({
        chat, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 1e6, updatedAt: T0, ...over,
      });

      it('puts, gets, replaces, lists by chat and deletes subscriptions', () => {
        const store = fresh();
        expect(store.getSubscription('telegram:-1')).toBeUndefined();
        store.putSubscription(sub('telegram:-1'));
        store.putSubscription(sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }));
        expect(store.getSubscription('discord:42')).toStrictEqual(sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }));
        store.putSubscription(sub('telegram:-1', { enabled: false, minUsd: 5e6, updatedAt: T0 + 1 }));
        expect(store.listSubscriptions()).toStrictEqual([
          sub('discord:42', { target: '1234567890', assets: ['ETH', 'BTC'], families: ['cascade'] }),
          sub('telegram:-1', { enabled: false, minUsd: 5e6, updatedAt: T0 + 1 }),
        ]);
        store.deleteSubscription('telegram:-1');
        store.deleteSubscription('telegram:-1');
        expect(store.getSubscription('telegram:-1')).toBeUndefined();
        expect(store.listSubscriptions().map((s) => s.chat)).toEqual(['discord:42']);
      });
    });

    describe('outbox', () => {
      it('enqueues each (chat, alertKey) once, also within one batch, and returns the new ids in order', () => {
        const store = fresh();
        const ids = store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b'), entry('telegram:-1', 'a'), entry('discord:9', 'a')]);
        expect(ids).toHaveLength(3);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(store.enqueue([entry('telegram:-1', 'b'), entry('telegram:-1', 'c')])).toHaveLength(1);
        expect(store.pendingCount()).toBe(4);
      });

      it('gives back an entry exactly as queued, pending with no attempts', () => {
        const store = fresh();
        const e = entry('discord:9', 'cascade:c1:start', { target: '777', editKey: 'cascade:c1', nextAttemptAt: T0 + 5, createdAt: T0 + 4 });
        const [id] = store.enqueue([e]);
        expect(store.duePending(T0 + 5, 10)).toStrictEqual([{ ...e, id, status: 'pending', attempts: 0 }]);
      });

      it('returns pending entries due by now in id order, up to the limit', () => {
        const store = fresh();
        const ids = store.enqueue([
          entry('telegram:-1', 'a', { nextAttemptAt: T0 }),
          entry('discord:9', 'b', { nextAttemptAt: T0 + 10 }),
          entry('telegram:-1', 'c', { nextAttemptAt: T0 + 5 }),
          entry('telegram:-1', 'd', { nextAttemptAt: T0 }),
        ]);
        expect(store.duePending(T0 - 1, 10)).toEqual([]);
        expect(store.duePending(T0 + 5, 10).map((e) => e.id)).toEqual([ids[0], ids[2], ids[3]]);
        expect(store.duePending(T0 + 10, 2).map((e) => e.id)).toEqual([ids[0], ids[1]]);
      });

      it('reschedules a failed entry: counted, not due until its next attempt, keeping the error', () => {
        const store = fresh();
        const [id] = store.enqueue([entry('telegram:-1', 'a')]);
        store.markRetry(id!, T0 + 30_000, '429 Too Many Requests');
        expect(store.duePending(T0 + 29_999, 10)).toEqual([]);
        const [due] = store.duePending(T0 + 30_000, 10);
        expect(due).toMatchObject({ id, status: 'pending', attempts: 1, nextAttemptAt: T0 + 30_000, lastError: '429 Too Many Requests' });
        expect(store.pendingCount()).toBe(1);
      });

      it('claims a pending entry until a time without counting an attempt; a final entry cannot be claimed', () => {
        const store = fresh();
        const [a, b] = store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        store.claim(a!, T0 + 5_000);
        store.markSent(b!, 'msg-1');
        store.claim(b!, T0 + 5_000);
        expect(store.duePending(T0 + 4_999, 10)).toEqual([]);
        expect(store.duePending(T0 + 5_000, 10)).toMatchObject([{ id: a, attempts: 0, nextAttemptAt: T0 + 5_000, status: 'pending' }]);
        expect(store.pendingCount()).toBe(1);
      });

      it('counts claimed sends whose outcome was never recorded as unconfirmed; a recorded outcome settles its claim', () => {
        const store = fresh();
        const [a, b] = store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        store.claim(a!, T0);
        store.claim(b!, T0);
        store.markRetry(b!, T0, 'timeout'); // b's send failed, and that was recorded
        expect(store.duePending(T0, 10).map((e) => [e.id, e.unconfirmed])).toEqual([[a, 1], [b, undefined]]);
        store.claim(a!, T0); // a crash interrupted the first send; a second one starts
        store.claim(b!, T0);
        expect(store.duePending(T0, 10).map((e) => [e.id, e.unconfirmed])).toEqual([[a, 2], [b, 1]]);
        store.markSent(b!, 'msg-1');
        expect(store.duePending(T0, 10).map((e) => e.id)).toEqual([a]);
      });

      it('marks entries sent or dropped: no longer pending, and final', () => {
        const store = fresh();
        const [a, b] = store.enqueue([entry('telegram:-1', 'a'), entry('telegram:-1', 'b')]);
        store.markSent(a!, 'msg-1');
        store.markDropped(b!, 'chat not found');
        expect(store.pendingCount()).toBe(0);
        expect(store.duePending(T0 + DAY, 10)).toEqual([]);
        store.markRetry(a!, T0 + 1, 'late failure');
        store.markSent(b!, 'msg-2');
        expect(store.pendingCount()).toBe(0);
        expect(store.sentMessageRef('telegram:-1', 'x')).toBeUndefined();
      });

      it('finds the message of the latest sent entry of a chat with an edit key', () => {
        const store = fresh();
        const [start, update, other, unsent] = store.enqueue([
          entry('telegram:-1', 'c1:start', { editKey: 'c1' }),
          entry('telegram:-1', 'c1:update:1', { editKey: 'c1' }),
          entry('discord:9', 'c1:start', { editKey: 'c1' }),
          entry('telegram:-1', 'c2:start', { editKey: 'c2' }),
        ]);
        expect(store.sentMessageRef('telegram:-1', 'c1')).toBeUndefined();
        store.markSent(start!, 'tg-1');
        expect(store.sentMessageRef('telegram:-1', 'c1')).toBe('tg-1');
        store.markSent(update!, 'tg-2'); // the edit had to re-post: later edits go to the new message
        store.markSent(other!, 'dc-1');
        expect(store.sentMessageRef('telegram:-1', 'c1')).toBe('tg-2');
        expect(store.sentMessageRef('discord:9', 'c1')).toBe('dc-1');
        store.markDropped(unsent!, 'forbidden');
        expect(store.sentMessageRef('telegram:-1', 'c2')).toBeUndefined();
      });

      it('prunes sent and dropped entries created before the cutoff, never pending ones', () => {
        const store = fresh();
        const [sentOld, droppedOld, pendingOld, sentNew] = store.enqueue([
          entry('telegram:-1', 'a', { createdAt: T0 }),
          entry('telegram:-1', 'b', { createdAt: T0 + 1 }),
          entry('telegram:-1', 'c', { createdAt: T0 + 2 }),
          entry('telegram:-1', 'd', { createdAt: T0 + 10 }),
        ]);
        store.markSent(sentOld!, 'm1');
        store.markDropped(droppedOld!, 'gone');
        store.markSent(sentNew!, 'm4');
        expect(store.pruneOutbox(T0 + 10)).toBe(2);
        expect(store.pruneOutbox(T0 + 10)).toBe(0);
        expect(store.duePending(T0 + DAY, 10).map((e) => e.id)).toEqual([pendingOld]);
        expect(store.sentMessageRef('telegram:-1', 'x')).toBeUndefined();
        // A pruned key may be queued again; ids keep growing.
        const [again] = store.enqueue([entry('telegram:-1', 'a')]);
        expect(again).toBeGreaterThan(sentNew!);
      });
    });

    describe('gaps', () => {
      it('returns the gaps overlapping a window (touching counts), ordered by start', () => {
        const store = fresh();
        store.recordGap({ exchange: 'bybit', from: T0 + 100, to: T0 + 200, reason: 'websocket closed' });
        store.recordGap({ exchange: 'binance', from: T0, to: T0 + 50, reason: 'reconnect' });
        store.recordGap({ exchange: 'okx', from: T0 + 300, to: T0 + 400, reason: 'rate limited' });
        const ids = (gs: { exchange: string }[]) => gs.map((g) => g.exchange);
        expect(ids(store.gaps(T0 + 50, T0 + 100))).toEqual(['binance', 'bybit']);
        expect(ids(store.gaps(T0 + 150, T0 + 160))).toEqual(['bybit']);
        expect(ids(store.gaps(T0 + 201, T0 + 299))).toEqual([]);
        expect(ids(store.gaps(0, T0 + DAY))).toEqual(['binance', 'bybit', 'okx']);
        expect(store.gaps(T0 + 350, T0 + 350)).toStrictEqual([{ exchange: 'okx', from: T0 + 300, to: T0 + 400, reason: 'rate limited' }]);
      });

      it('records the same gap once, keeping the latest reason', () => {
        const store = fresh();
        store.recordGap({ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'a' });
        store.recordGap({ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'b' });
        expect(store.gaps(0, Infinity)).toStrictEqual([{ exchange: 'bybit', from: T0, to: T0 + 1, reason: 'b' }]);
      });
    });

    it('refuses every call after close() with a StoreError saying the store is closed', () => {
      const store = fresh();
      store.close();
      store.close(); // closing twice is harmless
      const calls: (() => unknown)[] = [
        () => store.insertEvents([liq()]), () => all(store.eventsSince(0)), () => all(store.dailyTotals(0)), () => all(store.liquidationTotals()),
        () => store.listLevels(), () => store.putSubscription({ chat: 'x', enabled: true, assets: [], families: [], minUsd: 0, updatedAt: 0 }),
        () => store.enqueue([entry('x', 'a')]), () => store.duePending(0, 1), () => store.markSent(1, 'm'), () => store.gaps(0, 1),
        () => store.pruneEvents(0), () => store.pruneOutbox(0),
      ];
      for (const call of calls) {
        let error: unknown;
        try {
          call();
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
