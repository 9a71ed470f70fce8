/**
 * `/levels`' text, its chart and `levels --json` say one reading of a level price is across from its confirmed side
 * (a break no close has confirmed yet): `--json`'s `role` is where price is (shared/spec/events.md) and `confirmedRole`
 * the side the closes left it on; the row and the chart's tag say both facts ("price back above · lost 15:45, no reclaim
 * yet"), never one role the other contradicts ("resistance" beside a price 3% above it and 15m closes above it for
 * 1h25m; "now support" beside a reclaim no close confirmed). The reading still counts it on its confirmed side (the
 * hurdle to reclaim, not the floor), without asking for "acceptance back above" of a price that is above.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import { runFile } from '../../src/offline.js';
import { levelsChartInput } from '../../src/charts/inputs.js';
import { levelsNote } from '../../src/charts/levels.js';
import { levelsJson } from '../../src/io/json.js';
import { levelsReply } from '../../src/replies/levels.js';
import { lineText } from '../../src/replies/reply.js';
import { BUNDLED, cli } from '../helpers.js';
import { levelView, NOW } from './level-view.js';

const FEB = 'fixtures/binance-2025-02-levels-15m.real.jsonl';

interface Said {
  row: string;
  role: string | null;
  confirmedRole?: string;
  note: string;
}

/** Each level as the three say it at `at`: the /levels row, --json's role (and confirmed role), the chart's tag. */
async function said(file: string, asset: string, at: string): Promise<{ levels: Said[]; reading: string[] }> {
  const to = Date.parse(at);
  const run = await runFile(file, buildConfig({}), { until: to, asset });
  const st = run.market.levelStatus(asset, undefined, to);
  const reply = levelsReply(st, run.market.windowCoverage(asset, 86_400_000, to));
  const rows = reply.blocks[1]!.map(lineText);
  const json = levelsJson(st) as { levels: { role: string | null; confirmedRole?: string }[] };
  const chart = levelsChartInput(run.market, st, undefined);
  const levels = st.levels.map((_, i) => ({
    row: rows[i]!,
    role: json.levels[i]!.role,
    ...(json.levels[i]!.confirmedRole ? { confirmedRole: json.levels[i]!.confirmedRole } : {}),
    note: levelsNote(chart.levels[i]!, { from: chart.from, to: chart.to }),
  }));
  return { levels, reading: reply.blocks[2]!.map(lineText) };
}

/** The side of price a row or a tag says the level is on: "price (back) above" or its role word ("now support"). */
function sideOf(text: string): string | undefined {
  if (/price (back )?above/.test(text)) return 'support';
  if (/price (back )?below/.test(text)) return 'resistance';
  if (/price inside|now inside/.test(text)) return 'inside';
  return text.match(/now (support|resistance)/)?.[1] ?? text.match(/(?:^|· )(support|resistance)\b/)?.[1];
}

/** No level where the row, the tag and --json's role disagree on the side price is on. */
function expectOneSide(levels: Said[]): void {
  for (const l of levels) {
    const row = l.row.split(' · ').slice(1).join(' · ');
    expect(sideOf(row), l.row).toBe(l.role);
    expect(sideOf(l.note), l.note).toBe(l.role);
  }
}

describe('the bundled day: one level, one reading in the text, the chart and --json', () => {
  it('20:10: $2,500, lost 15:45, price $2,576 above it on 15m closes since 18:45 and no reclaim confirmed (it came at 20:15)', async () => {
    const { levels, reading } = await said(BUNDLED, 'ETH', '2026-01-31T20:10:00Z');
    const l = levels.find((x) => x.row.startsWith('$2,500 '))!;
    expect(l.row).toBe('$2,500 Dec range low · price back above · lost 15:45, no reclaim yet · −2.9%');
    expect(l.note).toBe('price back above, lost 15:45 · −2.9%');
    expect({ role: l.role, confirmedRole: l.confirmedRole }).toEqual({ role: 'support', confirmedRole: 'resistance' });
    expectOneSide(levels);
    // The hurdle still (not the floor), and no "acceptance back above" asked of a price above it.
    expect(reading).toContain('Price is back above $2,500 (lost 15:45) with no reclaim yet: a close that reclaims it would improve structure.');
    expect(reading).toContain('Reclaiming $3,000 would invalidate the breakdown; until then rebounds are reactive.');
    expect(reading.join('\n')).not.toMatch(/acceptance back above|keeps the floor; a close below it would expose \$2,500/);
    expect(levels.map((x) => x.row).join('\n')).not.toMatch(/resistance \(was support\) · testing from above|now support/);
    // At 20:15, the close that reclaimed it: support everywhere, no second role.
    const after = (await said(BUNDLED, 'ETH', '2026-01-31T20:15:00Z')).levels.find((x) => x.row.startsWith('$2,500 '))!;
    expect(after).toEqual({ row: '$2,500 Dec range low · support · reclaimed 20:15 · −3.3%', role: 'support', note: 'support · reclaimed 20:15 · −3.3%' });
  });

  it('14:00: the zone $2,750–2,800, never broken, price $2,746 under it on one 15m close within its buffer: support, price below', async () => {
    const { levels, reading } = await said(BUNDLED, 'ETH', '2026-01-31T14:00:00Z');
    const l = levels.find((x) => x.row.startsWith('$2,750–2,800 '))!;
    expect(l.row).toBe('$2,750–2,800 prior support · price below · support, not lost yet · +0.1%');
    expect(l.note).toBe('price below, support · +0.1%');
    expect({ role: l.role, confirmedRole: l.confirmedRole }).toEqual({ role: 'resistance', confirmedRole: 'support' });
    expectOneSide(levels);
    expect(reading).toContain('Price is testing the floor $2,750–2,800 from below; a close below it would expose $2,500 and say the forced selling is not over.');
  });

  it('the CLI says the same: the text row, and --json with the spec\'s role by price beside the confirmed one', async () => {
    const text = await cli('levels', 'eth', '--data', BUNDLED, '--at', '2026-01-31T20:10:00Z');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('\n$2,500 Dec range low · price back above · lost 15:45, no reclaim yet · −2.9%\n');
    const json = await cli('levels', 'eth', '--data', BUNDLED, '--at', '2026-01-31T20:10:00Z', '--json');
    const level = (JSON.parse(json.out) as { levels: { level: unknown; role: string; confirmedRole?: string }[] }).levels.find((x) => x.level === 2500)!;
    expect(level).toMatchObject({ role: 'support', confirmedRole: 'resistance', state: 'testing', baseState: 'broken' });
    // A level on its confirmed side has no second role.
    expect((JSON.parse(json.out) as { levels: { level: unknown; confirmedRole?: string }[] }).levels.filter((x) => x.confirmedRole !== undefined).map((x) => x.level)).toEqual([2500]);
  });
});

describe('a real week: BTC at 06:00 on Feb 2 2025, price $100,2xx above $100,000 and $99,501, both lost on 15m closes that night', () => {
  it('says price back above each, no reclaim yet, in the row, the tag and --json alike, and the reading asks no acceptance of it', async () => {
    const { levels, reading } = await said(FEB, 'BTC', '2025-02-02T06:00:00Z');
    const row = (p: string) => levels.find((x) => x.row.startsWith(`${p} `))!;
    expect(row('$100,000').row).toBe('$100,000 BTC round-number support · price back above · lost 03:30, no reclaim yet · −0.2%');
    expect(row('$99,501').row).toMatch(/^\$99,501 .* · price back above · lost 04:30, no reclaim yet · −0\.7%$/);
    expect(row('$100,000').note).toBe('price back above, lost 03:30 · −0.2%');
    expect([row('$100,000'), row('$99,501')].map((x) => [x.role, x.confirmedRole])).toEqual([['support', 'resistance'], ['support', 'resistance']]);
    expectOneSide(levels);
    expect(reading).toEqual([
      'Holding $97,680–99,145 keeps the floor; a close below it would expose deeper downside.',
      'Price is back above $99,501 (lost 04:30) with no reclaim yet: a close that reclaims it would improve structure.',
      'Reclaiming $100,000 would invalidate the breakdown; until then rebounds are reactive.',
      'Above it, next resistance $106,450 (+6.2%).',
    ]);
  });
});

describe('each told state, price across it on no confirmed close: where price is, what the closes told, and the break still due', () => {
  const coverage = { exchanges: [], sampled: [], gaps: [], synthetic: false };
  it('says it in the row and --json alike, from every told state', () => {
    const cases = [
      { v: levelView(100_000, 100_300, 'broken', { direction: 'down', across: true }), row: '$100,000 · price back above · lost Oct 12 20:30, no reclaim yet · −0.3%', confirmed: 'resistance' },
      { v: levelView(100_000, 99_700, 'broken', { direction: 'up', across: true }), row: '$100,000 · price back below · broke up Oct 12 20:30, not lost yet · +0.3%', confirmed: 'support' },
      { v: levelView(100_000, 99_700, 'reclaimed', { direction: 'up', across: true }), row: '$100,000 · price back below · reclaimed Oct 12 20:30, not lost yet · +0.3%', confirmed: 'support' },
      { v: levelView(100_000, 100_300, 'failed_breakout', { direction: 'down', across: true }), row: '$100,000 · price back above · failed breakout Oct 12 20:30, no breakout yet · −0.3%', confirmed: 'resistance' },
      { v: levelView(100_000, 100_300, 'holding', { across: true }), row: '$100,000 · price above · resistance, no breakout yet · −0.3%', confirmed: 'resistance' },
      { v: levelView(100_000, 99_700, 'holding', { across: true }), row: '$100,000 · price below · support, not lost yet · +0.3%', confirmed: 'support' },
    ];
    for (const c of cases) {
      const price = c.v.role === 'support' ? 100_300 : 99_700;
      const st = { asset: 'BTC', ts: NOW, price, priceTs: NOW, levels: [c.v] };
      expect(lineText(levelsReply(st, coverage).blocks[1]![0]!)).toBe(c.row);
      const json = (levelsJson(st) as { levels: { role: string; confirmedRole?: string }[] }).levels[0]!;
      expect([json.role, json.confirmedRole], c.row).toEqual([c.v.role, c.confirmed]);
    }
  });
});
