/**
 * One write path for changes of state: what a chat changes (a level, its alert settings) reaches the engine and
 * the store through StateWriter, as what the engine changes by itself does; a store that refuses a write gets it
 * again on the next flush; a chat that got a new key takes its settings and its levels (with their states) along.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { loadConfig } from '../../config/load.js';
import { Market } from '../../src/core/market.js';
import type { Level } from '../../src/core/levels.js';
import { StateWriter } from '../../src/state/writer.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { createServices, type Services } from '../../src/service.js';
import { faultyStore, type FaultPlan } from '../store/faulty.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const CHAT = 'telegram:-100';
const level = (over: Partial<Level> = {}): Level => ({ id: `${CHAT}:ETH@2500`, asset: 'ETH', level: 2500, chat: CHAT, source: 'chat', createdAt: T, ...over });

let market: Market;
let inner: Store;
let store: Store;
let fail: FaultPlan;
let calls: Partial<Record<keyof Store, number>>;
let state: StateWriter;
beforeEach(() => {
  market = new Market(loadConfig());
  market.ingest({ type: 'price', exchange: 'bybit', symbol: 'ETH/USDT:USDT', ts: T, price: 2600 });
  inner = createMemoryStore();
  ({ store, fail, calls } = faultyStore(inner));
  state = new StateWriter({ store, market });
});

describe('the one write path', () => {
  it('a level put reaches the engine and the store at once; a remove takes it out of both', () => {
    state.apply({ kind: 'level.put', level: level({ label: 'ours' }) });
    expect(market.levels.get(`${CHAT}:ETH@2500`)?.label).toBe('ours');
    expect(inner.listLevels()).toEqual([level({ label: 'ours' })]);
    state.apply({ kind: 'level.remove', id: `${CHAT}:ETH@2500` });
    expect(market.levels.get(`${CHAT}:ETH@2500`)).toBeUndefined();
    expect(inner.listLevels()).toEqual([]);
  });

  it('/level add, /level remove and /alerts on write through it (one store write each)', async () => {
    const services: Services = createServices({ config: loadConfig(), market, store, now: () => T });
    const say = (line: string) => runCommandLine(line, { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: T, services });
    await say('/level add eth 2500 "ours"');
    expect(inner.listLevels()).toMatchObject([{ id: `${CHAT}:ETH@2500`, label: 'ours', chat: CHAT }]);
    expect(market.levels.get(`${CHAT}:ETH@2500`)?.label).toBe('ours');
    await say('/level remove eth 2500');
    expect(inner.listLevels()).toEqual([]);
    await say('/alerts on');
    expect(inner.getSubscription(CHAT)).toMatchObject({ enabled: true });
    expect(calls).toMatchObject({ putLevel: 1, removeLevel: 1, putSubscription: 1 });
  });

  it('what the engine changed by itself (a level state) is stored by flush, on the same path', () => {
    state.apply({ kind: 'level.put', level: level() });
    expect(inner.loadLevelStates()).toEqual([]);
    state.flush();
    expect(inner.loadLevelStates()).toMatchObject([{ id: `${CHAT}:ETH@2500`, state: 'holding', position: 'above' }]);
  });

  it('a write the store refuses is held, the engine already has it, and the next flush stores it', () => {
    fail.putLevel = 'SQLITE_FULL';
    fail.putSubscription = 'SQLITE_FULL';
    const sub = { chat: CHAT, enabled: true, assets: [], families: ['cascade' as const], minUsd: 0, updatedAt: T };
    expect(() => state.apply({ kind: 'level.put', level: level() })).not.toThrow();
    state.apply({ kind: 'subscription.put', subscription: sub });
    expect(market.levels.get(`${CHAT}:ETH@2500`)).toBeDefined();
    expect(inner.listLevels()).toEqual([]);
    delete fail.putLevel;
    delete fail.putSubscription;
    state.flush();
    expect(inner.listLevels()).toEqual([level()]);
    expect(inner.getSubscription(CHAT)).toEqual(sub);
  });

  it('a proposal and its votes go through it too; refused, they are held and stored (proposal first) by the next flush', () => {
    const p = { id: `${CHAT}:p1`, chat: CHAT, asset: 'ETH', level: 2350, proposer: { id: 'u1' }, createdAt: T, expiresAt: T + 1, votes: {}, status: 'open' as const };
    fail.putProposal = 'SQLITE_FULL';
    state.apply({ kind: 'proposal.put', proposal: p });
    state.apply({ kind: 'proposal.vote', id: p.id, voter: 'u2', vote: 'up' });
    state.apply({ kind: 'proposal.vote', id: p.id, voter: 'u2', vote: 'down' });
    expect(inner.getProposal(p.id)).toBeUndefined();
    delete fail.putProposal;
    state.flush();
    expect(inner.getProposal(p.id)).toEqual({ ...p, votes: { u2: 'down' } });
    expect(calls.putVote).toBe(1);
  });

  it('a chat that got a new key takes its settings and its levels, with their states, along', () => {
    inner.putSubscription({ chat: CHAT, enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: 0 });
    state.apply({ kind: 'level.put', level: level({ label: 'ours' }) });
    state.apply({ kind: 'level.put', level: { id: 'ETH@2400', asset: 'ETH', level: 2400, source: 'config', createdAt: T } });
    state.flush();
    state.apply({ kind: 'chat.move', from: CHAT, to: 'telegram:-1009', at: T + 1 });
    expect(inner.getSubscription(CHAT)).toBeUndefined();
    expect(inner.getSubscription('telegram:-1009')).toMatchObject({ chat: 'telegram:-1009', assets: ['ETH'], updatedAt: T + 1 });
    const moved = { id: 'telegram:-1009:ETH@2500', chat: 'telegram:-1009', label: 'ours' };
    expect(market.levels.get(moved.id)).toMatchObject(moved);
    expect(market.levels.get(`${CHAT}:ETH@2500`)).toBeUndefined();
    expect(market.levels.get('ETH@2400')).toBeDefined(); // a global level stays where it is
    expect(inner.listLevels().map((l) => l.id).sort()).toEqual(['ETH@2400', moved.id]);
    expect(inner.loadLevelStates().find((s) => s.id === moved.id)).toMatchObject({ state: 'holding', position: 'above' });
  });

  it('a chat that got a new key takes its proposals along, with their votes, an adopted one pointing at its moved level', () => {
    const base = { asset: 'ETH', proposer: { id: 'u1' }, createdAt: T, expiresAt: T + 3_600_000, votes: {} };
    const open = { ...base, id: `${CHAT}:p1`, chat: CHAT, level: 2600, status: 'open' as const };
    const adopted = { ...base, id: `${CHAT}:p2`, chat: CHAT, level: 2500, status: 'adopted' as const, levelId: `${CHAT}:ETH@2500` };
    const other = { ...base, id: 'telegram:-7:p1', chat: 'telegram:-7', level: 2600, status: 'open' as const };
    inner.putProposal(open);
    inner.putVote(open.id, 'u2', 'up');
    inner.putProposal(other);
    state.apply({ kind: 'proposal.put', proposal: adopted }); // not yet stored when the move comes: moved all the same
    fail.putProposal = 'SQLITE_FULL'; // held: the pending proposal and vote are moved from memory
    state.apply({ kind: 'proposal.vote', id: adopted.id, voter: 'u3', vote: 'down' });
    delete fail.putProposal;
    state.apply({ kind: 'chat.move', from: CHAT, to: 'telegram:-1009', at: T + 1 });
    expect(inner.listProposals(CHAT)).toEqual([]);
    expect(inner.listProposals('telegram:-1009')).toEqual([
      { ...open, chat: 'telegram:-1009', votes: { u2: 'up' } },
      { ...adopted, chat: 'telegram:-1009', levelId: 'telegram:-1009:ETH@2500', votes: { u3: 'down' } },
    ]);
    expect(inner.listProposals('telegram:-7')).toEqual([other]);
  });

  it('a chat.move leaves settings alone when the new key already has its own', () => {
    inner.putSubscription({ chat: CHAT, enabled: true, assets: ['ETH'], families: ['level'], minUsd: 0, updatedAt: 0 });
    inner.putSubscription({ chat: 'telegram:-1009', enabled: false, assets: [], families: ['cascade'], minUsd: 0, updatedAt: 0 });
    state.apply({ kind: 'chat.move', from: CHAT, to: 'telegram:-1009', at: T + 1 });
    expect(inner.getSubscription(CHAT)).toMatchObject({ enabled: true });
    expect(inner.getSubscription('telegram:-1009')).toMatchObject({ enabled: false });
  });
});
