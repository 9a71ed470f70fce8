/**
 * The cascade window's 10-second slices live in a ring that is reused as time moves on: a reused slice must
 * start empty, so a cascade's split by exchange counts only what is still in its window.
 */
import { describe, expect, it } from 'vitest';
import { CascadeDetector, type CascadeRules } from '../../src/core/cascades.js';
import { CASCADE_RULES } from './detector-rules.js';

const rules: CascadeRules = CASCADE_RULES;
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('cascade window slices', () => {
  it('forgets the exchanges of slices that left the window when the ring reuses them', () => {
    const d = new CascadeDetector(rules, () => 1_000_000);
    // Minutes earlier, gate and okx prints fill slices the ring will reuse; none starts a cascade.
    for (let i = 0; i < 7; i++) expect(d.add('ETH', 'long', i % 2 ? 'gate' : 'okx', T0 + i * 10_000, 50_000, 100)).toBeUndefined();
    // Two ring lengths later (the ring holds 7 slices), bybit and htx alone cross the threshold.
    const t = T0 + 140_000;
    const prints: [string, number][] = [['bybit', 400_000], ['htx', 300_000], ['bybit', 350_000]];
    const events = prints.map(([ex, usd], i) => d.add('ETH', 'long', ex, t + i * 10_000, usd, 100));
    const start = events.find((e) => e?.type === 'start');
    expect(start?.type).toBe('start');
    expect(Object.fromEntries(start!.cascade.byExchange)).toEqual({ bybit: 750_000, htx: 300_000 });
    expect(start!.cascade.usd).toBe(1_050_000);
  });

  it('adds prints of the same exchange in one slice together and keeps the others apart', () => {
    const d = new CascadeDetector(rules, () => 500_000);
    const ex = ['bybit', 'okx', 'bybit', 'gate', 'okx'];
    const events = ex.map((e, i) => d.add('BTC', 'short', e, T0 + i * 100, 100_000, 100));
    expect(events.map((e) => e?.type)).toEqual([undefined, undefined, undefined, undefined, 'start']);
    expect(Object.fromEntries(events[4]!.cascade.byExchange)).toEqual({ bybit: 200_000, okx: 200_000, gate: 100_000 });
  });

  it('running cascades follow prices on their own side', () => {
    const d = new CascadeDetector(rules, () => 500_000);
    d.price('ETH', 90, 110); // nothing runs: nothing to follow
    const started = ['bybit', 'okx', 'gate', 'bybit', 'okx'].map((ex, i) => d.add('ETH', 'long', ex, T0 + i * 100, 100_000, 100));
    const c = started[4]!.cascade;
    expect(d.runningFor('ETH', 'long')).toBe(c);
    d.price('ETH', 95, 105);
    d.price('ETH', 97, 120);
    d.price('BTC', 50, 200); // another asset's price
    expect(c.extreme).toBe(95); // a long cascade follows the lows
    expect(d.running()).toEqual([c]);
    d.price('ETH', 80, 130);
    expect(d.runningFor('ETH', 'long')?.extreme).toBe(80);
  });
});

