/**
 * The alerts on real markets (fixtures cut from Binance data by scripts/real-fixtures.ts, sources in each
 * file's meta line), with the default config: the figures docs/alerts.md and docs/level-measurements.md quote,
 * reproducible here.
 * Before this work (a fixed 0.3% buffer, 3× after two crossings in 6 h), the three tuning weeks gave 119 level
 * messages, 49 of 119 breaks reversed within 12 h (41%), 52 of 53 breaks that held told within 2 h, and no
 * cascade on the DeepSeek-day prints; the three held-out weeks gave 158 messages, 103 of 158 reversed (65%),
 * 36 of 40 held breaks told. A second held-out set (the first days of each kit file, levels from the three days
 * before; looked at once, after the rules were settled) gave 39 messages, 13 of 40 reversed and 20 of 22 told with
 * the rules before the second pass (a chop said once it has lasted, levels set into a chop know it, and no level
 * told broken by a close inside its own buffer unless a break went far), 36, 14 of 40 and 20 of 22 after.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { backtest, levelsOf, type BacktestStats } from '../../src/core/backtest.js';
import { loadFile, runFile } from '../../src/offline.js';
import { wants } from '../../src/alerts/router.js';
import { alertReply } from '../../src/replies/alerts.js';
import { replyText } from '../../src/replies/reply.js';
import { marketReply } from '../../src/replies/summary.js';
import type { Subscription } from '../../src/store/store.js';

const LEVEL_FIXTURES = [
  'fixtures/binance-2025-04-levels-15m.real.jsonl',
  'fixtures/binance-2024-08-levels-15m.real.jsonl',
  'fixtures/binance-2025-02-levels-15m.real.jsonl',
];
/** The week before each tuning week, levels derived the same way; no rule or setting was tuned on these. */
const HELD_OUT = [
  'fixtures/binance-2025-03-heldout-levels-15m.real.jsonl',
  'fixtures/binance-2024-07-heldout-levels-15m.real.jsonl',
  'fixtures/binance-2025-01-heldout-levels-15m.real.jsonl',
];
/** The first days of each kit file, levels derived from the three days before: looked at once, never tuned on. */
const HELD_OUT_2 = [
  'fixtures/binance-2025-03-early-levels-15m.real.jsonl',
  'fixtures/binance-2024-07-early-levels-15m.real.jsonl',
  'fixtures/binance-2025-01-early-levels-15m.real.jsonl',
];
/**
 * A third held-out set from another source and season (a freqtrade download of Binance BTC 15m klines, Oct 16-22
 * 2025; fixtures/sources/), levels derived from the two days before: never tuned on. The fixed buffer gave 12
 * messages, 3 of 12 breaks reversed and 6 of 7 held breaks told.
 */
const HELD_OUT_3 = ['fixtures/binance-2025-10-levels-15m.real.jsonl'];
/** A fourth, cut after issue 15's fifth pass was settled and looked at once: BTC and ETH Oct 5-13 2025, the Oct 10 crash. */
const HELD_OUT_4 = ['fixtures/binance-2025-10-crash-levels-15m.real.jsonl'];
/** A fifth, cut after that and looked at once: BTC Sep 21 - Oct 2 2025. */
const HELD_OUT_5 = ['fixtures/binance-2025-09-levels-15m.real.jsonl'];
/** A sixth, cut in the eleventh session and looked at once: ETH over the third's and the fifth's windows. */
const HELD_OUT_6 = ['fixtures/binance-2025-09-eth-levels-15m.real.jsonl', 'fixtures/binance-2025-10-eth-levels-15m.real.jsonl'];
/** A stress set: BTC and ETH Oct 4-22 2025, levels re-derived every day from the week before (72 by the end). */
const DAILY = 'fixtures/binance-2025-10-daily-levels-15m.real.jsonl';
/**
 * Round numbers added every day (BTC every $2,000, ETH every $100), Sep 19 - Oct 24 2025: the kind of levels
 * and weeks. The fixed buffer of before issue 15 (replayed from 1b80013~1) posted 162, 79 reversed within 12 h (the
 * issue's 48%), 75 of 83 held breaks told, 17 on ETH $4,000 (the 22).
 */
const ROUND = 'fixtures/binance-2025-10-round-levels-15m.real.jsonl';
/** The same daily rule on the kit's three weeks, held out (the fixed buffer: 801 messages, 493 reversed, 289 of 309 told). */
const KIT_ROUND = ['fixtures/binance-2025-04-round-levels-15m.real.jsonl', 'fixtures/binance-2024-08-round-levels-15m.real.jsonl', 'fixtures/binance-2025-02-round-levels-15m.real.jsonl'];
const DEEPSEEK = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

async function measure(file: string, config = loadConfig()): Promise<{ stats: BacktestStats; alerts: Alert[] }> {
  const loaded = await loadFile(file);
  const events = loaded.batches.flat();
  const run = await runFile(loaded, config, { closes: true });
  return { stats: backtest(run.alerts, run.closes, levelsOf(events)), alerts: run.alerts };
}

async function totals(files: string[]): Promise<{ runs: { stats: BacktestStats; alerts: Alert[] }[]; total: BacktestStats['totals'] }> {
  const runs = await Promise.all(files.map((f) => measure(f)));
  const total = { messages: 0, breaks: 0, reversed: 0, held: 0, heldTold: 0 };
  for (const r of runs) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r.stats.totals[k];
  return { runs, total };
}

describe('levels on three real weeks with community levels (BTC, ETH, SOL, SUI, ADA)', async () => {
  const { runs, total } = await totals(LEVEL_FIXTURES);

  it('posts at least 40% fewer level messages than the fixed buffer did (71 of 119)', () => {
    // 66 and 52 of 53 told until ETH's $3,141.2, set into a chop on Feb 2 2025, was told lost when a close left its
    // range (03:15) instead of falling 35% from it unsaid. 67 and 81 breaks until a chop said to the chat was told ending
    // on the side it last heard of too (three messages, five levels: BTC $99,501 and $100,000, ETH $3,100, BTC $97,680,
    // SOL's zone), and two chop notices due 15 minutes apart in one range became one (BTC, Feb 2 08:15). 69, 14 of 81
    // reversed and 53 of 53 told until `flipBuffers` went from 5 to 2: two hours of closes above BTC $99,501, the last
    // two buffers beyond, reclaim it inside its flip window at 07:00 on Feb 2 2025; it is lost again at 12:45, both
    // breaks undone within 12 h, and that loss is told 2.5 h after its crossing close (10:15).
    expect(total).toEqual({ messages: 71, breaks: 83, reversed: 16, held: 53, heldTold: 52 });
    expect(total.messages).toBeLessThanOrEqual(Math.floor(119 * 0.6));
  });

  it("counts a chop's crossings for as long as it lasts, not only the last 72 h's (BTC $97,680, Feb 2-7 2025)", () => {
    const feb = runs[LEVEL_FIXTURES.indexOf('fixtures/binance-2025-02-levels-15m.real.jsonl')]!.alerts;
    const ends = feb.filter((a) => a.kind === 'level_break' && a.levelId === 'BTC@97680' && a.fromChop);
    const counts = ends.map((a) => (a.kind === 'level_break' ? a.fromChop!.crosses : 0));
    // A week-long chop: each decisive close after the one before is at least one more crossing, since Sunday 18:00 (the
    // first, 3, is the chop's end out of its range on the side the chat was told, at 00:45 on Feb 3).
    expect(counts).toEqual([3, 4, 9, 10, 11, 12, 13]);
    expect(ends.every((a) => a.kind === 'level_break' && new Date(a.fromChop!.since).toISOString() === '2025-02-02T18:00:00.000Z')).toBe(true);
    expect(replyText(alertReply(ends.at(-1)!))).toContain('Decisive: 2h of closes below it, the 2h that ends a chop, after 13 crosses since Sunday.');
  });

  it('has at most 20% of its breaks reversed by the opposite alert within 12 h (the fixed buffer: 41%)', () => {
    expect(total.reversed / total.breaks).toBeLessThanOrEqual(0.2);
  });

  it('counted per message (one that broke several levels once, for the level it leads with): 14 of 63 reversed', () => {
    const perMessage = runs.reduce((s, r) => ({ breaks: s.breaks + r.stats.perMessage.breaks, reversed: s.reversed + r.stats.perMessage.reversed }), { breaks: 0, reversed: 0 });
    expect(perMessage).toEqual({ breaks: 63, reversed: 14 });
    const breakMessages = runs.flatMap((r) => r.alerts).filter((a) => a.kind === 'level_break');
    expect(breakMessages).toHaveLength(66);
    // Every level a message names is one break of the per-level count, but a chop's end on the side the chat last heard
    // of (`kept`) is a message, not a break: the 66 messages name the 83 breaks and 3 kept chop ends.
    const named = (a: (typeof breakMessages)[number]) =>
      a.kind !== 'level_break' ? 0 : (a.fromChop?.kept ? 0 : 1) + (a.also ?? []).filter((x) => !x.kept).length;
    expect(breakMessages.filter((a) => a.kind === 'level_break' && a.fromChop?.kept)).toHaveLength(3);
    expect(breakMessages.reduce((n, a) => n + named(a), 0)).toBe(total.breaks);
  });

  it('tells at least 95% of the breaks that held for 12 h within 2 h of the crossing close', () => {
    expect(total.heldTold / total.held).toBeGreaterThanOrEqual(0.95);
  });

  it('says a chopping level once and then waits for a decisive close', () => {
    const chops = runs.flatMap((r) => r.alerts).filter((a) => a.kind === 'level_chop');
    expect(chops.length).toBeGreaterThan(0);
    const ids = chops.map((a) => `${a.kind === 'level_chop' ? a.levelId : ''}:${a.ts}`);
    expect(new Set(ids).size).toBe(ids.length);
    // BTC $97,680 in February 2025: lost in the Feb 2 slide, crossed back and forth that evening; the chop is said
    // at 22:15 (two hours after it began), then nothing on that level but the chop's end the notice promised (out of
    // its range on the side the chat was told, 00:45) until the decisive reclaim the next afternoon.
    const feb = runs[2]!.alerts.filter((a) => (a.kind === 'level_break' || a.kind === 'level_chop') && a.levelId === 'BTC@97680');
    const notice = feb.findIndex((a) => a.kind === 'level_chop');
    expect(feb[notice]!.ts).toBe(Date.parse('2025-02-02T22:15:00Z'));
    // The notice says the range it chops in: the level, the closes since the chop began and the price now inside it.
    const said = feb[notice]!;
    if (said.kind !== 'level_chop') throw new Error('not a chop notice');
    const [low, high] = said.range;
    expect(low).toBeLessThan(97680);
    expect(high).toBeGreaterThan(97680);
    expect(said.price).toBeGreaterThanOrEqual(low);
    expect(said.price).toBeLessThanOrEqual(high);
    expect(high - low).toBeLessThan(97680 * 0.03);
    expect(replyText(alertReply(said))).toMatch(/^↔️ BTC chopping around \$97,680 between \$9\d,\d{3}(\.\d+)? and \$9\d,\d{3}(\.\d+)?: \d+ crosses since/);
    expect(feb[notice + 1]).toMatchObject({ kind: 'level_break', direction: 'down', reclaim: false, ts: Date.parse('2025-02-03T00:45:00Z'), fromChop: { kept: true, by: 'range' } });
    expect(feb[notice + 2]).toMatchObject({ kind: 'level_break', direction: 'up', reclaim: true, ts: Date.parse('2025-02-03T17:15:00Z') });
    // BTC $80,000 in April 2025: it chopped from 06:00, and the decisive close below came at 08:00, before its
    // notice was due: the break alone is told.
    const apr = runs[0]!.alerts.filter((a) => (a.kind === 'level_break' || a.kind === 'level_chop') && a.levelId === 'BTC@80000');
    expect(apr.filter((a) => a.ts >= Date.parse('2025-04-08T04:00:00Z') && a.ts <= Date.parse('2025-04-08T10:00:00Z'))).toEqual([
      expect.objectContaining({ kind: 'level_break', direction: 'down', ts: Date.parse('2025-04-08T08:00:00Z'), fromChop: { crosses: 3, since: Date.parse('2025-04-06T18:30:00Z'), by: 'held', heldMs: 3 * 3_600_000, decisiveMs: 2 * 3_600_000 } }),
    ]);
    // It says what made the close decisive, not that the chop is over.
    expect(replyText(alertReply(apr.find((a) => a.kind === 'level_break' && a.ts === Date.parse('2025-04-08T08:00:00Z'))!))).toContain('Decisive: 3h of closes below it, more than the 2h that ends a chop, after 3 crosses since Sunday.');
  });

  it('tells levels one candle broke together in one message', () => {
    const apr = runs[0]!.alerts.find((a) => a.kind === 'level_break' && a.ts === Date.parse('2025-04-09T18:00:00Z') && a.asset === 'BTC');
    expect(apr).toMatchObject({ level: 81172, direction: 'up', also: [{ level: 80000 }] });
  });

  it('tells chopping levels broken when the crash leaves the range they chopped in (SOL, Aug 5 2024), in one message', () => {
    // SOL chopped around $135 and $139.41 all of Aug 4; the 01:15 close ($128.48) left that range with closes
    // under both levels since 23:45: one message, within 2 h of the crossing close that held (before: $139.41 at
    // 00:45 and $135 at 02:30, apart). The zone above $139.41, lost at 15:00 and said chopping at 22:15, ends its chop
    // in the same message, on the side the chat was told: said as that, not lost again.
    const sol = runs[1]!.alerts.filter((a) => a.kind === 'level_break' && a.asset === 'SOL' && a.ts >= Date.parse('2024-08-04T23:00:00Z') && a.ts <= Date.parse('2024-08-05T06:00:00Z'));
    expect(sol).toEqual([
      expect.objectContaining({
        ts: Date.parse('2024-08-05T01:15:00Z'), level: 135, direction: 'down', fromChop: expect.objectContaining({ by: 'range', range: [131.386, 143.384] }),
        also: [expect.objectContaining({ level: 139.41, reclaim: false }), { levelId: 'SOL@139.41-141.5', level: [139.41, 141.5], label: 'SOL demand zone above prior-week low', reclaim: false, kept: true, fromChop: expect.objectContaining({ by: 'range', told: true, range: [131.872, 143.384] }) }],
      }),
    ]);
    const text = replyText(alertReply(sol[0]!));
    expect(text).toMatch(/^⬇️ SOL lost \$139\.41 and \$135; broke down out of its chop at \$139\.41–141\.50\n/);
    // $135's chop was never said; the zone's notice said $131.87–143.38: the range quoted is the one the chat was told.
    expect(text).toContain('Decisive: a close $3.40 below the range $139.41–141.50 chopped in ($131.87), more than its $2.25 buffer, after 1h 45 min below it and 3 crosses since Sunday.');
  });

  it('ends a chop said to the chat with a message on the side it last heard of too, the level still lost (BTC $97,680, Feb 2-3 2025)', () => {
    // "No more alerts on this level until a close out of this range ($96,738–98,473), or a decisive close back across
    // it": at 00:45 the close ($95,592) left the range below. Before, nothing was said until the reclaim at 17:15, and
    // /levels went from chopping to lost unsaid.
    const feb = runs[2]!.alerts;
    const notice = feb.find((a) => a.kind === 'level_chop' && a.levelId === 'BTC@97680')!;
    expect(replyText(alertReply(notice))).toContain('\nNo more alerts on this level until a close under $96,166 or over $99,045 (the range and a buffer, as price and volatility move them) after 45 min beyond $97,680, a close over $100,541, or 2h of closes above it.');
    const end = feb.find((a) => a.kind === 'level_break' && a.levelId === 'BTC@97680' && a.ts === Date.parse('2025-02-03T00:45:00Z'))!;
    const text = replyText(alertReply(end)).split('\n');
    expect(text.slice(0, 5)).toEqual([
      '⬇️ BTC broke down out of its chop at $97,680',
      '',
      '15m close $95,592 · BTC prior-week low (2025-01-27 07:25 UTC)',
      'Decisive: a close $1,146 below the range it chopped in ($96,738), more than its $761 buffer, after 1h 30 min below $97,680 and 3 crosses since Sunday.',
      'It still acts as resistance.',
    ]);
  });

  it('says $100,000 chopping alone once $99,501 is reclaimed inside its flip window (BTC, Feb 2 2025): one notice per range', async () => {
    // Both lost that night, 0.5% apart ($100,000 at 03:30, $99,501 at 04:30). Two hours of closes above $99,501, the last
    // ($100,228) two buffers beyond, reclaim it at 07:00, inside the 6 h after its loss; $100,000 chops on alone, said at
    // 08:30 and ended on the side the chat was told at 11:45. $99,501 is lost again at 12:45 (the reclaim was a whipsaw).
    const btc = runs[2]!.alerts.flatMap((a) => ((a.kind === 'level_break' || a.kind === 'level_chop') && a.asset === 'BTC' && a.ts >= Date.parse('2025-02-02T06:00:00Z') && a.ts <= Date.parse('2025-02-02T13:00:00Z') ? [a] : []));
    expect(btc.map((a) => [new Date(a.ts).toISOString().slice(11, 16), a.kind, a.level, ...(a.also ?? []).map((x) => x.level)])).toEqual([
      ['07:00', 'level_break', 99501],
      ['08:30', 'level_chop', 100000],
      ['11:45', 'level_break', 100000],
      ['12:45', 'level_break', 99501],
    ]);
    expect(replyText(alertReply(btc[0]!))).toContain('\nDecisive: 2h of closes above it, the last 0.730% above it: the 2h and 0.725% that end a chop this soon after a break, after 2 crosses since 04:30.\n');
    expect(replyText(alertReply(btc[1]!))).toMatch(/^↔️ BTC chopping around \$100,000 between \$99,161 and \$100,437: 3 crosses since 03:30\n/);
    // With `flipBuffers: 5` (as far as a far close: the rule before) $99,501 kept chopping, in $100,000's range: one
    // notice for both at 08:15, not two 15 minutes apart.
    const before = (await measure(LEVEL_FIXTURES[2]!, buildConfig({ levels: { flipBuffers: 5 } }))).alerts;
    const chops = before.flatMap((a) => (a.kind === 'level_chop' && a.asset === 'BTC' && a.ts < Date.parse('2025-02-02T12:00:00Z') ? [a] : []));
    expect(chops.map((a) => [a.ts, a.level, ...(a.also ?? []).map((x) => x.level)])).toEqual([[Date.parse('2025-02-02T08:15:00Z'), 99501, 100000]]);
    expect(replyText(alertReply(chops[0]!))).toMatch(/^↔️ BTC chopping around \$99,501 and \$100,000 between \$99,151 and \$100,437: 2 crosses since 04:30\n/);
  });

  it('gives each level of a message the verb of what the chat was told of it (BTC, Aug 4-8 2024)', () => {
    // The zone above $59,800 was set with price inside it and broke up at 02:30 on Aug 4; the 15:00 close took it back
    // 12.5 h later (a failed breakout, as /levels says) and lost $59,800: not "lost" for both, so that the zone's break
    // above on Aug 8 does not contradict what the chat was told.
    const at = (iso: string) => replyText(alertReply(runs[1]!.alerts.find((a) => a.kind === 'level_break' && a.asset === 'BTC' && a.ts === Date.parse(iso))!)).split('\n')[0];
    expect(at('2024-08-04T02:30:00Z')).toBe('⬆️ BTC broke above $59,800–60,697');
    expect(at('2024-08-04T15:00:00Z')).toBe('⬇️ BTC lost $59,800; fell back below $59,800–60,697 (breakout failed)');
    expect(at('2024-08-08T21:45:00Z')).toBe('⬆️ BTC reclaimed $59,800');
    expect(at('2024-08-08T22:00:00Z')).toBe('⬆️ BTC broke above $59,800–60,697');
  });

  it('counts the crossings of a level since it was set, not those of its price before (ETH $1,800, set Apr 6 2025 00:00)', () => {
    // Price had crossed $1,800 since Thursday; the level was set on Sunday: "after 11 crosses since Thursday" before.
    const eth = runs[0]!.alerts.find((a) => a.kind === 'level_break' && a.levelId === 'ETH@1800' && a.ts === Date.parse('2025-04-06T09:15:00Z'))!;
    expect(eth).toMatchObject({ fromChop: { crosses: 2, since: Date.parse('2025-04-06T00:00:00Z'), setInChop: true, by: 'held' } });
    expect(replyText(alertReply(eth))).toContain('Decisive: 2h of closes below it, the 2h that ends a chop, after 2 crosses since it was set at 00:00.');
  });

  it('does not tell a level broken by a close that only crossed it, inside its own buffer, when no break went far', () => {
    // 2025-04-06 17:45: the close at $81,074 broke $81,601 by its buffer and was $98 (0.12%) under $81,172, inside
    // that level's buffer: $81,601 alone. The next close, $80,766, broke $81,172 and the zone below it: one message.
    const btc = runs[0]!.alerts.filter((a) => a.kind === 'level_break' && a.asset === 'BTC' && a.ts <= Date.parse('2025-04-06T18:15:00Z'));
    const told = btc.map((a) => (a.kind === 'level_break' ? [a.ts, a.level, ...(a.also ?? []).map((x) => x.level)] : []));
    expect(told).toEqual([
      [Date.parse('2025-04-06T17:45:00Z'), 81601],
      [Date.parse('2025-04-06T18:00:00Z'), 81172, [81172, 82390]],
    ]);
  });

  it('calls no cascade on weeks without liquidation prints', () => {
    for (const r of runs) expect(r.stats.cascades).toEqual([]);
  });
});

describe('levels on three held-out real weeks (never tuned on)', async () => {
  const { total } = await totals(HELD_OUT);

  it('posts 53% fewer messages than the fixed buffer did (75 of 158) and has fewer whipsaws (65% → 29%; the target, 20%, is not met)', () => {
    // 73, 22 of 85 reversed and 38 of 40 told with `flipBuffers: 5`. With 2, BTC $81,501.4's reclaim of Mar 31 2025 is told
    // at 12:30, in time (12:45), and SUI $2.2471 is lost and won back once more on Apr 4 (12:00, 19:15), each undone.
    expect(total).toEqual({ messages: 75, breaks: 87, reversed: 25, held: 40, heldTold: 39 });
  });

  it('still tells at least 95% of the breaks that held within 2 h', () => {
    expect(total.heldTold / total.held).toBeGreaterThanOrEqual(0.95);
  });
});

describe('chop notices that fall due on one close, and those a break is about to end', async () => {
  const { alerts } = await measure('fixtures/binance-2025-01-heldout-levels-15m.real.jsonl');
  const daily = (await measure(DAILY)).alerts;

  it('lead with the level whose own rules broke it when a joined one is as near (BTC, Oct 14 2025: the zone, not the low it shares)', () => {
    const brk = daily.find((a) => a.kind === 'level_break' && a.asset === 'BTC' && a.ts === Date.parse('2025-10-14T10:15:00Z'))!;
    if (brk.kind !== 'level_break') throw new Error('unreachable');
    expect([brk.level, ...(brk.also ?? []).map((x) => x.level)]).toEqual([[111501, 113174], 111501]);
  });

  it('are one message: two prior lows a hair apart chop together (BTC, Oct 19 2025), the first waiting for the second', () => {
    // $109,021.9's notice fell due at 22:30, when $109,136.5 had had 3 h 30 min of closes under it (held back only by
    // the 6 h after its reclaim): that one waited for the window's end, and the first with it, until price turned back
    // above at 22:45. Both notices at 22:30, as before, would have said $109,136.5 chops with its break looking decisive.
    expect(daily.filter((a) => a.kind === 'level_chop' && a.asset === 'BTC' && a.ts >= Date.parse('2025-10-19T00:00:00Z') && a.ts < Date.parse('2025-10-20T00:00:00Z')).map((a) => a.ts)).toEqual([Date.parse('2025-10-19T22:45:00Z')]);
    const chop = daily.find((a) => a.kind === 'level_chop' && a.ts === Date.parse('2025-10-19T22:45:00Z'))!;
    if (chop.kind !== 'level_chop') throw new Error('unreachable');
    expect([chop.level, ...(chop.also ?? []).map((x) => x.level)]).toEqual([109136.5, 109021.9]);
    const text = replyText(alertReply(chop));
    expect(text).toMatch(/^↔️ BTC chopping around \$109,021.9 and \$109,136.5 between \$108,568 and \$109,464: 2 crosses since 19:00\n/);
    expect(text).toContain('\n$109,021.9 · BTC prior-week low (2025-09-27 09:15 UTC)\n$109,136.5 · BTC prior-week low (2025-09-28 12:45 UTC)');
    expect(text).toContain('No more alerts on these levels until a close under $108,241 or over $109,791 (the range and a buffer, as price and volatility move them) after 45 min beyond one of them, a close under $107,499, or 2h of closes below one of them.');
  });

  it('wait for the break that is two closes from decisive: ADA on Jan 28 2025 reads the break alone, naming the chop', () => {
    // Due at 19:00, with closes under $0.9500 for 1h45m: the decisive close came at 19:15.
    expect(alerts.filter((a) => a.kind === 'level_chop' && a.asset === 'ADA')).toEqual([]);
    const brk = alerts.find((a) => a.kind === 'level_break' && a.asset === 'ADA' && a.ts === Date.parse('2025-01-28T19:15:00Z'))!;
    const text = replyText(alertReply(brk));
    // Listed in the order the fall met them; the decisive words name the lead, the level whose chop ended.
    expect(text).toMatch(/^⬇️ ADA lost \$0\.9505 and \$0\.9500\n/);
    expect(text).toContain('Decisive: 2h of closes below $0.9500, the 2h that ends a chop, after 3 crosses since Monday.');
  });
});

describe('levels on a second held-out set (three to four days from each kit file, looked at once)', async () => {
  const { total } = await totals(HELD_OUT_2);

  it('posts 30 messages with 9 of 35 breaks reversed within 12 h (the 20% target is not met) and 21 of 22 held breaks told', () => {
    expect(total).toEqual({ messages: 30, breaks: 35, reversed: 9, held: 22, heldTold: 21 });
  });
});

describe('levels on a third held-out set (BTC, Oct 16-22 2025, another source; never tuned on)', async () => {
  const { total } = await totals(HELD_OUT_3);

  it('posts 7 messages (the fixed buffer: 12) with 6 of 14 breaks reversed within 12 h and every held break told', () => {
    // Oct 21 15:00: the close above the $109,802–111,449 zone also reclaimed $110,000 and $109,802 inside it (both
    // chopping): one message, where three came in 90 minutes before. Both were lost 11 h earlier, so the two
    // reclaims now land within 12 h of those breaks and count as undoing them (told 75 and 90 minutes later, they did not).
    expect(total).toEqual({ messages: 7, breaks: 14, reversed: 6, held: 7, heldTold: 7 });
  });
});

describe('levels on a fourth held-out set (BTC and ETH, Oct 5-13 2025 with the Oct 10 crash, another source; looked at once)', async () => {
  const { total } = await totals(HELD_OUT_4);

  it('posts 13 messages (the fourth pass: 14) with 3 of 15 breaks reversed within 12 h (the fourth pass: 3 of 15) and 10 of 12 held breaks told', () => {
    // The two held breaks not told were never told the other way first: price closed across $120,000 (BTC, Oct 9,
    // one close) and $4,590.83 (ETH, Oct 5, three closes) inside their buffers, short of the hour that breaks a
    // level that way, and came back: coming back is nothing new (the fourth pass misses both too). 11 and 1 of 13 with
    // `flipBuffers: 5`: with 2, four hours of closes above BTC $123,900, the last two buffers beyond, break it inside its
    // flip window at 13:00 on Oct 7 2025; the 14:15 close leaves its chop's range below: two more breaks, and the loss
    // at 08:15 and that break are each undone within 12 h.
    expect(total).toEqual({ messages: 13, breaks: 15, reversed: 3, held: 12, heldTold: 10 });
  });
});

describe('levels on a fifth held-out set (BTC, Sep 21 - Oct 2 2025, the Sep 22 slide; looked at once)', async () => {
  const { runs, total } = await totals(HELD_OUT_5);

  it('posts 6 messages with none of 7 breaks reversed within 12 h and every held break told', () => {
    // 5 and 7 until a chop said to the chat ended with a message on the side it last heard of too (BTC $117,406.8, Oct 1).
    expect(total).toEqual({ messages: 6, breaks: 7, reversed: 0, held: 6, heldTold: 6 });
  });

  it('tells the Sep 22 slide through three levels as one message', () => {
    const slide = runs[0]!.alerts.filter((a) => a.kind === 'level_break' && a.ts < Date.parse('2025-09-23T00:00:00Z'));
    expect(slide).toEqual([expect.objectContaining({ ts: Date.parse('2025-09-22T01:00:00Z'), level: 115000, direction: 'down', also: [expect.objectContaining({ level: 115049.9 }), expect.objectContaining({ level: [115049.9, 116776] })] })]);
  });
});

describe('levels on a sixth held-out set (ETH, Sep 29 - Oct 2 and Oct 16-22 2025; looked at once)', async () => {
  const { runs, total } = await totals(HELD_OUT_6);

  it('posts 16 messages (the fixed buffer: 36) with 13 of 24 breaks reversed within 12 h (the fixed buffer: 25 of 36; the 20% target is far off)', () => {
    expect(total).toEqual({ messages: 16, breaks: 24, reversed: 13, held: 9, heldTold: 7 });
  });

  it('misses only the held crossings that came back to the side the chat was told: ETH hovering 0.2% around $4,100', () => {
    const missed = runs.flatMap((r) => r.stats.levels.flatMap((l) => l.missed.map((m) => ({ level: l.level, direction: m.direction }))));
    expect(missed).toEqual([{ level: 4100, direction: 'up' }, { level: 4100, direction: 'up' }]);
    // $4,100 was set with price above it; no close went a buffer below it, so nothing said it was lost.
    const told4100 = runs[0]!.alerts.filter((a) => a.kind === 'level_break' && (a.level === 4100 || a.also?.some((x) => x.level === 4100)));
    expect(told4100).toEqual([]);
  });
});

describe('levels re-derived every day (BTC and ETH, Oct 4-22 2025: a stress set)', async () => {
  const { runs, total } = await totals([DAILY]);

  it('posts 114 messages against the fixed buffer\'s 242 (-53%), with 54 of 174 breaks reversed within 12 h (the fixed buffer: 120 of 242)', () => {
    // 115, 53 of 174: two chops said to the chat now end with a message on the side it last heard of too (one of them
    // joined to a break), and four notices fewer: one said with another's in the same range, three that would have
    // promised quiet while the closes across the level had already lasted what makes a break decisive. 111, 53 reversed
    // and 83 told with `flipBuffers: 5`. With 2, three of the four breaks told late are told 30 min to 2 h sooner, in
    // time; two levels are told alone before the message they used to join (BTC $122,500 at 15:45 on Oct 9, where
    // $120,000's loss at 17:00 and reclaim at 19:00 are no longer said; ETH $4,120.61 at 13:15 on Oct 15); BTC's reclaims
    // of Oct 20 are two messages (05:30, 06:15) where they were one (06:00); BTC $123,900 is broken and lost back on Oct 7.
    expect(total).toEqual({ messages: 114, breaks: 174, reversed: 54, held: 93, heldTold: 85 });
    expect(total.messages).toBeLessThanOrEqual(Math.floor(242 * 0.6));
  });

  it('tells 85 of 93 held breaks within 2 h (the fixed buffer: 89): seven came back to the side the chat was told, one was told 2.25 h late', () => {
    // With `flipBuffers: 5`, 83: four were told 2.25-4 h late, each undoing inside the flip window a break that had ended
    // a chop. With 2, three of them are told in time (BTC $122,500 lost at 15:45 on Oct 9, ETH $4,262.55 at 01:15 on Oct 14,
    // BTC $109,021.9 reclaimed at 05:30 on Oct 20); ETH $4,120.61, lost at 13:15 on Oct 15, is the late one. BTC $120,000
    // came back: the 17:00 close under it on Oct 9 is no longer told with $122,500, and the 17:15 close was back above.
    const said = new Map<string, { ts: number; direction: 'up' | 'down' }[]>();
    for (const a of runs[0]!.alerts) {
      if (a.kind !== 'level_break') continue;
      for (const id of [a.levelId, ...(a.also ?? []).map((x) => x.levelId)]) said.set(id, [...(said.get(id) ?? []), { ts: a.ts, direction: a.direction }]);
    }
    const kinds = { back: 0, late: 0 };
    for (const l of runs[0]!.stats.levels) {
      for (const m of l.missed) {
        const before = (said.get(l.levelId) ?? []).filter((s) => s.ts <= m.end);
        if (!before.length) kinds.back++;
        else if (before[before.length - 1]!.direction !== m.direction) kinds.late++;
      }
    }
    expect(kinds).toEqual({ back: 7, late: 1 });
  });

  it('says what made each close that ended a chop decisive (20 of the 57 were undone within 12 h, so none says the chop is over)', () => {
    // By the lead's own rules: a lead taken along by another level's break on its price line says so apart (below).
    const ends = runs[0]!.alerts.flatMap((a) => (a.kind === 'level_break' && a.fromChop && !a.fromChop.kept && a.fromChop.by !== 'joined' ? [a] : []));
    const by = { far: 0, held: 0, range: 0, joined: 0 };
    for (const a of ends) by[a.fromChop!.by]++;
    // With `flipBuffers: 5`: 3 far, 47 held, 3 out of the range, 18 of the 53 undone. Two of the far closes (ETH $4,262.55
    // on Oct 14, $4,080 on Oct 21) now come sooner as two hours of closes beyond the level, the last two buffers beyond.
    expect(by).toEqual({ far: 1, held: 52, range: 4, joined: 0 });
    // The 13 messages where a chopping level was taken along by another's break on the same close say whose.
    const joined = runs[0]!.alerts.filter((a) => a.kind === 'level_break' && [a.fromChop, ...(a.also ?? []).map((x) => x.fromChop)].some((e) => e?.by === 'joined'));
    expect(joined).toHaveLength(13);
    for (const a of joined) expect(replyText(alertReply(a))).toMatch(/\n\$[\d,.–]+( and \$[\d,.–]+)? ended (its chop|their chops) with \$[\d,.–]+'s break on the same close\.\n/);
    const undone = ends.filter((e) =>
      runs[0]!.alerts.some((b) => b.kind === 'level_break' && b.ts > e.ts && b.ts - e.ts <= 12 * 3_600_000 && b.direction !== e.direction && [b.levelId, ...(b.also ?? []).map((x) => x.levelId)].includes(e.levelId)),
    );
    expect(undone).toHaveLength(20);
    // And the two chops that ended on the side the chat last heard of, out of their range: one message's lead, one joined.
    const kept = runs[0]!.alerts.flatMap((a) => (a.kind !== 'level_break' ? [] : [...(a.fromChop?.kept ? [a.level] : []), ...(a.also ?? []).filter((x) => x.kept).map((x) => x.level)]));
    expect(kept).toEqual([110000, 4100]);
    const far = ends.find((a) => a.fromChop!.by === 'far')!;
    expect(far).toMatchObject({ asset: 'ETH', level: 3900, ts: Date.parse('2025-10-21T15:45:00Z') });
    expect(replyText(alertReply(far))).toContain('Decisive: a close 4.4% above it, beyond the 4.2% that ends a chop at once, after 8 crosses since Thursday.');
    // ETH $4,262.55, told lost at 03:15 on Oct 14 by "a close 2.6% below it" with `flipBuffers: 5`, is told two hours sooner.
    const eth = ends.find((a) => a.asset === 'ETH' && a.level === 4262.55)!;
    expect(eth.ts).toBe(Date.parse('2025-10-14T01:15:00Z'));
    expect(replyText(alertReply(eth))).toContain('Decisive: 2h 15 min of closes below it, the last 1.1% below it: more than the 2h and 1.0% that end a chop this soon after a break, after 2 crosses since Monday.');
    for (const a of ends) expect(replyText(alertReply(a))).not.toMatch(/chop is over/);
  });

  it('says where a level chops over its last day: ETH $4,100 on Oct 13 between $3,808 and $4,197, not the Oct 10 low', () => {
    const chop = runs[0]!.alerts.find((a) => a.kind === 'level_chop' && a.asset === 'ETH' && a.level === 4100)!;
    // Set at 00:00 that day into a chop price began on Friday: the crossings it counts are its own ("3 crosses since
    // Friday" before).
    expect(replyText(alertReply(chop))).toContain('ETH chopping around $4,100 between $3,808 and $4,197: 1 cross since it was set at 00:00');
  });

  it('tells one price line once: the zone over $4,091 lost and the levels inside it, in the order the fall met them, each with its own label', () => {
    const at = (iso: string, asset: string) => runs[0]!.alerts.find((a) => a.kind === 'level_break' && a.asset === asset && a.ts === Date.parse(iso))!;
    const eth = at('2025-10-14T05:45:00Z', 'ETH');
    const text = replyText(alertReply(eth));
    // From the highest edge lost to the lowest, a zone after the price it is lost at; the labels in the same order.
    expect(text).toContain('ETH lost $4,120.61, $4,120.61–4,182.42, $4,100, $4,091, $4,091.00–4,152.36, $4,080 and $4,080.0–4,141.2');
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.startsWith('$4,120.61 ·'))).toBeLessThan(lines.findIndex((l) => l.startsWith('$4,100 ·')));
    for (const line of ['$4,091.00–4,152.36 · ETH demand zone above prior-week low', '$4,100 · ETH round number below price', '$4,120.61 · ETH prior-week low (2025-10-01 00:45 UTC)']) expect(text.split('\n')).toContain(line);
    // A chop that ended in a message of several levels names its own.
    const btc = replyText(alertReply(at('2025-10-21T05:45:00Z', 'BTC')));
    expect(btc).toContain('Decisive: 2h of closes below $109,021.9, the 2h that ends a chop, after 4 crosses since Sunday.');
  });

  it('posts its 7 chop notices without a notification (two of them for two levels each), and every break with one (most that end a chop hold)', () => {
    const levelAlerts = runs[0]!.alerts.filter((a) => a.kind === 'level_break' || a.kind === 'level_chop');
    const quiet = levelAlerts.filter((a) => alertReply(a).quiet === true);
    expect(quiet.map((a) => a.kind)).toEqual(Array(7).fill('level_chop'));
    expect(quiet.filter((a) => a.kind === 'level_chop' && a.also?.length === 1)).toHaveLength(2);
    expect(levelAlerts.filter((a) => a.kind === 'level_break' && alertReply(a).quiet)).toEqual([]);
  });
});

describe('round numbers added every day (BTC every $2,000, ETH every $100, Sep 19 - Oct 24 2025): the issue\'s targets not met', async () => {
  const { runs, total } = await totals([ROUND]);

  it('posts 132 messages against the fixed buffer\'s 162 (-19%), 46 of 128 breaks reversed (36%; it: 49%), 74 of 83 held breaks told (it: 75)', () => {
    // 136 and 126 breaks before six chop notices were no longer said while the closes across a level had lasted what
    // makes a break decisive (the break came when the flip window ended), and ETH $4,100's chop end joined a break.
    // 130, 126 and 72 told with `flipBuffers: 5`: with 2, BTC $112,000's reclaim of Sep 23 (06:30, not 09:15) and ETH
    // $4,000's of Oct 20 (05:45, not 06:15) are told in time, and BTC $124,000 is broken and lost back on Oct 7 (13:00,
    // 14:15), as $123,900 on the fourth held-out set.
    expect(total).toEqual({ messages: 132, breaks: 128, reversed: 46, held: 83, heldTold: 74 });
    expect(total.reversed / total.breaks).toBeLessThan(79 / 162);
  });

  it('on the kit\'s weeks (held out): 482 messages against 801 (-40%, two over the 40% bound), 150 of 440 reversed (34%; it: 62%), 265 of 309 told (it: 289)', async () => {
    const kit = await totals(KIT_ROUND);
    // 469 and 434 breaks before: 11 chop ends on the side the chat last heard of now said (9 messages), 10 notices fewer.
    // 475, 434, 144 reversed and 251 told with `flipBuffers: 5`: 2 tells 14 more held breaks in time for 6 more reversals
    // and 7 more messages, two more than 40% fewer than the fixed buffer allows (480; with 5 it met it).
    expect(kit.total).toEqual({ messages: 482, breaks: 440, reversed: 150, held: 309, heldTold: 265 });
    expect(kit.total.messages - Math.floor(801 * 0.6)).toBe(2);
  });

  it('tells BTC $94,000 reclaimed inside its flip window once two hours of closes above it end two buffers beyond (Feb 3 2025, 09:15), with no chop notice', async () => {
    // Lost at 04:45, closes above it from 07:15: at 09:15 they had lasted 2 h and the close ($95,743) was two buffers
    // above, so the reclaim is told inside the 6 h after the loss, 1 h 45 min after the crossing close that held (07:30).
    const window = (alerts: Alert[]) => alerts.filter((a) => (a.kind === 'level_break' || a.kind === 'level_chop') && a.levelId === 'BTC@94000' && a.ts >= Date.parse('2025-02-03T05:00:00Z') && a.ts <= Date.parse('2025-02-03T12:00:00Z'));
    const now = window((await measure(KIT_ROUND[2]!)).alerts);
    expect(now).toEqual([expect.objectContaining({ kind: 'level_break', direction: 'up', reclaim: true, ts: Date.parse('2025-02-03T09:15:00Z'), fromChop: expect.objectContaining({ by: 'held', heldMs: 2 * 3_600_000 }) })]);
    expect(replyText(alertReply(now[0]!))).toContain('Decisive: 2h of closes above it, the last 1.9% above it: the 2h and 1.5% that end a chop this soon after a break, after 2 crosses since 04:45.');
    // With `flipBuffers: 5` it waited out the window: its notice, due at 10:00 when those closes had lasted 2 h 45 min,
    // waited for the break the window's end would bring (it used to say at 10:30 "no more alerts … until a decisive
    // close", then "reclaimed $94,000" at 10:45, inside the range it had named): the reclaim alone, at 10:45.
    const before = window((await measure(KIT_ROUND[2]!, buildConfig({ levels: { flipBuffers: 5 } }))).alerts);
    expect(before).toEqual([expect.objectContaining({ kind: 'level_break', direction: 'up', reclaim: true, ts: Date.parse('2025-02-03T10:45:00Z'), fromChop: expect.objectContaining({ by: 'held', heldMs: 3.5 * 3_600_000 }) })]);
  });

  it('with flipBuffers 1.5 (not the default) tells 78 of the 83 held breaks in time where 2 tells 74, with the same 46 reversals; on the kit\'s weeks it reverses 6 more', async () => {
    const looser = buildConfig({ levels: { flipBuffers: 1.5 } });
    const { stats } = await measure(ROUND, looser);
    expect(stats.totals).toEqual({ messages: 131, breaks: 128, reversed: 46, held: 83, heldTold: 78 });
    expect(total).toMatchObject({ reversed: 46, heldTold: 74 });
    // The kit's round numbers (the default: 150 of 440 reversed, 265 told) trade: 9 more told for 6 more reversals.
    const kit = await Promise.all(KIT_ROUND.map((f) => measure(f, looser)));
    const sum = (k: 'messages' | 'breaks' | 'reversed' | 'heldTold') => kit.reduce((n, r) => n + r.stats.totals[k], 0);
    expect([sum('messages'), sum('breaks'), sum('reversed'), sum('heldTold')]).toEqual([486, 446, 156, 274]);
  });

  it('says a breakout failed only when it fell back within a day: BTC $120,000 on Oct 3, 13 h after; lost on Oct 10, after a week', () => {
    const at = (iso: string) => replyText(alertReply(runs[0]!.alerts.find((a) => a.kind === 'level_break' && a.asset === 'BTC' && a.level === 120000 && a.ts === Date.parse(iso))!)).split('\n')[0];
    expect(at('2025-10-03T08:15:00Z')).toBe('⬇️ BTC fell back below $120,000: breakout failed');
    expect(at('2025-10-10T15:30:00Z')).toBe('⬇️ BTC lost $120,000');
  });

  it('says ETH $4,000 15 times in five weeks (the fixed buffer: 17, 10 of them undone within 12 h; now 6)', () => {
    // 7 undone and 5 of 8 held breaks told with `flipBuffers: 5`: with 2, its reclaim of Oct 20 comes at 05:45 (06:15),
    // in time, and 12 h 15 min before the 18:00 loss, so no longer undone by it.
    const row = runs[0]!.stats.levels.find((l) => l.asset === 'ETH' && l.level === 4000)!;
    expect(row).toMatchObject({ messages: 15, breaks: 15, reversed: 6, held: 8, heldTold: 6 });
  });
});

describe('no cascade where the held-out and stress sets have no liquidation prints', () => {
  it.each([HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4, HELD_OUT_5, HELD_OUT_6, [DAILY], [ROUND], KIT_ROUND].map((files) => [files.join(', '), files]))('%s', async (_name, files) => {
    const { runs } = await totals(files);
    for (const r of runs) expect(r.stats.cascades).toEqual([]);
  });
});

describe('the DeepSeek selloff on Binance prints (2025-01-27, sampled stream)', async () => {
  const { alerts } = await measure(DEEPSEEK);
  const firstFlushMinute = Date.parse('2025-01-27T16:53:00Z');

  it('calls one market-wide long flush within 10 minutes of the first flush minute, led by BTC', () => {
    const flushes = alerts.filter((a) => a.kind === 'market_flush');
    expect(flushes).toHaveLength(1);
    const f = flushes[0]!;
    if (f.kind !== 'market_flush') throw new Error('unreachable');
    expect(f.ts - firstFlushMinute).toBeLessThanOrEqual(10 * 60_000);
    expect(f.side).toBe('long');
    expect(f.assetCount).toBeGreaterThanOrEqual(100);
    expect(f.leaders[0]).toMatchObject({ asset: 'BTC' });
    expect(f.leaders[0]!.share).toBeGreaterThan(0.3);
    expect(f.sampled).toEqual(['binance']);
  });

  it('calls the BTC long cascade within 10 minutes: one start, one end, the window ending at its last strong print', () => {
    const btc = alerts.filter((a) => a.asset === 'BTC');
    expect(btc.map((a) => a.kind)).toEqual(['cascade', 'cascade_update', 'cascade_update', 'cascade_end']);
    const start = btc[0]!;
    expect(start.ts - firstFlushMinute).toBeLessThanOrEqual(10 * 60_000);
    const end = btc[btc.length - 1]!;
    if (end.kind !== 'cascade_end') throw new Error('unreachable');
    // It runs on with the flush BTC led to BTC's largest minute, 17:08 ($254K): its window fell under the end level at
    // 16:59:50, and 17:08's prints came at its pace inside the ten quiet minutes counted from then (counted from its last
    // print, 16:54:55, it was over at 17:04:55, "16:52–16:54, $380K", as the flush ran on). Its end is its last strong
    // print, the $99,225.9 fill at 17:08:48.417, not the moment the rolling sum fell; its tally every BTC long print from
    // its start to then ($634,854.68, 30 prints), the flush's BTC part but the $99 print of 17:08:48.854 after it.
    expect(end.endedAt).toBe(Date.parse('2025-01-27T17:08:48.417Z'));
    expect(end.usd).toBeCloseTo(634_854.68, 2);
    expect(end.ts).toBe(Date.parse('2025-01-27T17:23:40Z'));
    // A flush this size leaves no level (ten times its threshold does): the end says nothing of one.
    expect(end.levelOffered).toBeUndefined();
    expect(replyText(alertReply(end))).not.toContain('/levels');
  });

  it('a chat following every asset, or ETH (which led it), hears the flush start, its updates and its end, not each cascade inside it again', () => {
    const all: Subscription = { chat: 'tg:1', enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };
    const eth: Subscription = { ...all, chat: 'tg:2', assets: ['ETH'] };
    const heardByAll = alerts.filter((a) => wants(all, a)).map((a) => a.kind);
    expect(heardByAll).toEqual(['market_flush', 'market_flush_update', 'market_flush_update', 'market_flush_update', 'market_flush_end']);
    expect(alerts.filter((a) => wants(eth, a)).map((a) => a.kind)).toEqual(['market_flush', 'market_flush_update', 'market_flush_update', 'market_flush_update', 'market_flush_end']);
    // ETH's cascade is one the flush carries: its chat heard of it there.
    expect(alerts.filter((a) => a.kind === 'cascade').map((a) => [a.asset, a.kind === 'cascade' && a.ledFlush])).toEqual([['BTC', true], ['ETH', true]]);
    // A chat that follows an asset that did not lead it (no cascade of its own here) hears nothing of it.
    expect(alerts.filter((a) => wants({ ...all, chat: 'tg:3', assets: ['XRP'] }, a))).toEqual([]);
  });

  it('/liqs all says the flush: running while it runs, with its times once over', async () => {
    const loaded = await loadFile(DEEPSEEK);
    for (const [at, line] of [
      ['2025-01-27T17:00:00Z', /^Market-wide long flush since 16:50 \(running\): \$1\.\d\dM across 1\d\d assets$/m],
      ['2025-01-27T18:00:00Z', /^Market-wide long flush 16:50–17:08: \$2\.\d\dM across 1\d\d assets$/m],
    ] as const) {
      const to = Date.parse(at);
      const run = await runFile(loaded, loadConfig(), { until: to, bucketFrom: to - 3_600_000 });
      const m = run.market.marketSummary('1h', 3_600_000, to);
      expect(m.flushes).toHaveLength(1);
      expect(replyText(marketReply(m, ['1h']))).toMatch(line);
    }
  });

  it('ends the flush at its last strong print, with the tally since its start and the assets that led it', () => {
    const end = alerts.find((a) => a.kind === 'market_flush_end');
    if (end?.kind !== 'market_flush_end') throw new Error('no flush end');
    // The recording's long prints run to 17:59, but the market-wide run's last print at its pace came at 17:08; the end
    // says so.
    expect(new Date(end.startedAt).toISOString().slice(11, 16)).toBe('16:50');
    expect(new Date(end.endedAt).toISOString().slice(11, 16)).toBe('17:08');
    expect(end.durationMs).toBe(end.endedAt - end.startedAt);
    expect(end.usd).toBeGreaterThan(2_000_000);
    expect(end.leaders.map((l) => l.asset)).toEqual(['BTC', 'DOGE', 'ETH']);
    const text = replyText(alertReply(end));
    expect(text).toMatch(/^Market-wide long flush over\n\n\$2\.\d\dM of longs liquidated across \d+ assets in 18 min \(16:50–17:08\)/);
    // The leaders' price moves during the flush, from 16:50 (the 16:45 candles' closes, BTC $100,032.9, ETH $3,098.24) to
    // its end at 17:08:58 (not to when the end fell due, 17:23:48, fifteen quiet minutes on), with each one's low between:
    // BTC's the $99,225.9 fill at 17:08:48 (under the 17:05 candle's $99,233), ETH's the 16:50 candle's $3,074; BTC
    // ending at its $99,292.6 fill and ETH at its $3,075.90 fill of 17:08:48 (DOGE has no price before 16:53 in this
    // file: no move from its start is guessed).
    expect(end.ts).toBe(Date.parse('2025-01-27T17:23:48.886Z'));
    expect(text).toContain('\nPrice during it: BTC −0.7% (low $99,226) · ETH −0.7% (low $3,074)\n');
    // At its start, the move since it began to the price of the moment (the fills: the 5m candle is not closed yet).
    const start = alerts.find((a) => a.kind === 'market_flush')!;
    expect(replyText(alertReply(start))).toContain('\nPrice since 16:50: BTC −0.5% (low $99,541) · ETH −0.6% (low $3,079)\n');
  });
});

describe('two more real Binance recordings, never tuned on (fixtures/sources/README.md)', async () => {
  const flushDay = await measure('fixtures/binance-2025-10-23-forceorder.real.jsonl');
  const quietDay = await measure('fixtures/binance-2025-12-27-forceorder.real.jsonl');

  it('read every print, the Chinese-named perpetual and one-character bases included', async () => {
    for (const f of ['fixtures/binance-2025-10-23-forceorder.real.jsonl', 'fixtures/binance-2025-12-27-forceorder.real.jsonl']) {
      const loaded = await loadFile(f);
      expect(loaded.report.invalidCount, f).toBe(0);
      expect(loaded.assets.has('币安人生')).toBe(true);
    }
  });

  it('the Oct 23 2025 long flush (19:02–19:09) is one market-wide flush: a start, then its end at its last strong print', () => {
    const kinds = flushDay.alerts.map((a) => a.kind);
    expect(kinds.filter((k) => k.startsWith('market_flush'))).toEqual(['market_flush', 'market_flush_end']);
    const start = flushDay.alerts.find((a) => a.kind === 'market_flush')!;
    expect(start.ts - Date.parse('2025-10-23T19:02:00Z')).toBeLessThanOrEqual(10 * 60_000);
    const end = flushDay.alerts.find((a) => a.kind === 'market_flush_end');
    if (end?.kind !== 'market_flush_end') throw new Error('no end');
    expect(end.leaders[0]!.asset).toBe('ETH');
    expect(end.endedAt).toBeLessThanOrEqual(Date.parse('2025-10-23T19:15:00Z'));
  });

  it('the quiet Saturday of Dec 27 2025 calls nothing', () => {
    expect(quietDay.alerts).toEqual([]);
  });
});
