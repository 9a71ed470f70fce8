import { describe, expect, it } from 'vitest';
import { renderLevelsChart, renderLiqsChart, type RenderedChart } from '../../src/charts/render.js';
import { emptyWindow, ETH_LIQ_MAP, jan31Levels, jan31Liqs, shortSqueeze } from './fixtures.js';

/** Width and height from a PNG's signature and IHDR chunk; throws if it is not a PNG. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  signature.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`not a PNG: byte ${i} is ${png[i]}`);
  });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunk = String.fromCharCode(...png.subarray(12, 16));
  if (chunk !== 'IHDR') throw new Error(`first chunk is ${chunk}, not IHDR`);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The text a chart prints: SVG text nodes, with the entities ECharts escapes turned back. */
function texts(chart: RenderedChart): string[] {
  return [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'"),
  );
}
const shows = (chart: RenderedChart, text: string): boolean => texts(chart).some((t) => t.includes(text));

describe('renderLiqsChart', () => {
  it('renders the January 31 flush as a 1200×675 PNG by default', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(chart.width).toBe(1200);
    expect(chart.height).toBe(675);
    expect(pngSize(chart.png)).toEqual({ width: 1200, height: 675 });
    expect(chart.svg.startsWith('<svg')).toBe(true);
  });

  it('renders at the size asked for', async () => {
    const chart = await renderLiqsChart(jan31Liqs(), { width: 800, height: 450 });
    expect(pngSize(chart.png)).toEqual({ width: 800, height: 450 });
  });

  it('puts the totals in the title, three significant digits like every reply', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(shows(chart, 'ETH liquidations · 24h · $485M')).toBe(true);
    expect(shows(chart, 'longs $470M')).toBe(true);
    expect(shows(chart, 'shorts $15.1M')).toBe(true);
  });

  it('labels every level and zone with its price and name', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    for (const text of ['$3,000', '$2,750–2,800', 'prior support', '$2,350', 'cascade low']) {
      expect(shows(chart, text), text).toBe(true);
    }
    expect(texts(chart)).toContain('lost 12:30, now resistance');
    expect(texts(chart)).toContain('lost 14:15, now resistance');
    expect(texts(chart)).toContain('support · testing');
  });

  it('gives every level tag its state line, even when the price panel is short of room', async () => {
    const input = jan31Liqs();
    const levels = [...input.levels, { level: 2500, label: 'Dec range low', role: 'support' as const, state: 'reclaimed', distancePct: 6, lastBreak: { ts: input.to - 5 * 3_600_000, direction: 'up' as const } }];
    const chart = await renderLiqsChart({ ...input, levels });
    expect(texts(chart).filter((t) => /now resistance|· testing|· reclaimed \d\d:\d\d/.test(t))).toEqual([
      'lost 12:30, now resistance',
      'lost 14:15, now resistance',
      'support · reclaimed 19:00',
      'support · testing',
    ]);
  });

  it('a level broken upward says so ("broke up 11:30, now support"), never "support · broken"', async () => {
    const input = jan31Liqs();
    const chart = await renderLiqsChart({
      ...input,
      levels: [{ level: 2300, label: 'old resistance', role: 'support', state: 'broken', distancePct: -2, lastBreak: { ts: input.from + 11.5 * 3_600_000, direction: 'up' } }],
    });
    expect(texts(chart)).toContain('broke up 11:30, now support');
    expect(texts(chart).some((t) => t.includes('support · broken'))).toBe(false);
  });

  it('a chopping level says "chopping", never "holding"', async () => {
    const input = jan31Liqs();
    const chart = await renderLiqsChart({ ...input, levels: [{ level: 2400, role: 'support', state: 'chopping', baseState: 'broken', distancePct: -1 }] });
    expect(texts(chart)).toContain('support · chopping');
  });

  it('shortens a long label at a word, not mid-word', async () => {
    const input = jan31Liqs();
    const chart = await renderLiqsChart({
      ...input,
      levels: [{ level: [2950, 3050], label: 'March range high and the level everyone watched', role: 'resistance', state: 'holding', distancePct: 12 }],
    });
    expect(texts(chart)).toContain('March range…');
  });

  it('marks each cascade with its size', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(texts(chart)).toContain('Cascade $342M');
    expect(texts(chart)).toContain('Cascade $78.4M');
  });

  it('names longs and shorts in words beside the bars, not by colour alone', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(shows(chart, '▼ Longs')).toBe(true);
    expect(shows(chart, '▲ Shorts')).toBe(true);
  });

  it('lists the exchanges behind the data, marking sampled streams as lower bounds', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(texts(chart)).toContain('Sources: Binance*, Bybit, OKX*, Bitget, Hyperliquid · *sampled: lower bounds');
  });

  it('gives the same bytes for the same input, whatever was drawn in between', async () => {
    const a = await renderLiqsChart(jan31Liqs());
    await renderLevelsChart(jan31Levels());
    await renderLiqsChart(shortSqueeze());
    const b = await renderLiqsChart(jan31Liqs());
    expect(b.svg).toBe(a.svg);
    expect(Buffer.from(b.png).equals(Buffer.from(a.png))).toBe(true);
  });

  it('still draws a chart for a window with no liquidations, and says so', async () => {
    const chart = await renderLiqsChart(emptyWindow());
    expect(pngSize(chart.png)).toEqual({ width: 1200, height: 675 });
    expect(shows(chart, 'No liquidations in this window')).toBe(true);
    expect(shows(chart, 'ETH liquidations · 1h · $0')).toBe(true);
  });

  it('a window nothing recorded claims no $0 and no "no liquidations"', async () => {
    const chart = await renderLiqsChart(emptyWindow({ noData: 'No liquidation data for this window' }));
    expect(shows(chart, 'No liquidation data for this window')).toBe(true);
    expect(shows(chart, 'ETH liquidations · 1h · no data')).toBe(true);
    expect(shows(chart, '$0')).toBe(false);
    expect(shows(chart, 'No liquidations in this window')).toBe(false);
    // Nor a size for bars it has none of.
    expect(texts(chart).some((t) => / bars/.test(t))).toBe(false);
    expect(texts(await renderLiqsChart(emptyWindow())).some((t) => / bars/.test(t))).toBe(true);
  });

  it('says when there is no price data', async () => {
    const chart = await renderLiqsChart(jan31Liqs({ prices: [], oi: undefined }));
    expect(shows(chart, 'No price data in this window')).toBe(true);
  });

  it('says "synthetic" when the data is synthetic, and only then', async () => {
    const synthetic = await renderLiqsChart(shortSqueeze());
    expect(texts(synthetic).some((t) => /synthetic/i.test(t))).toBe(true);
    const real = await renderLiqsChart(jan31Liqs());
    expect(texts(real).some((t) => /synthetic/i.test(t))).toBe(false);
  });

  it('labels the liquidation map as an estimate when one is given', async () => {
    const withMap = await renderLiqsChart(jan31Liqs({ liqMap: ETH_LIQ_MAP }));
    expect(shows(withMap, 'Liq map')).toBe(true);
    expect(shows(withMap, 'estimate')).toBe(true);
    const without = await renderLiqsChart(jan31Liqs());
    expect(shows(without, 'estimate')).toBe(false);
  });

  it('puts a dollar scale under the liquidation map: $0 to the largest cluster', async () => {
    const withMap = await renderLiqsChart(jan31Liqs({ liqMap: ETH_LIQ_MAP }));
    // The fixture's largest cluster is $2,750–2,775 with $240M.
    expect(texts(withMap)).toEqual(expect.arrayContaining(['$0', '$240M']));
  });

  it('writes the footer at a size a phone can read (20 px at 1200 wide)', async () => {
    const chart = await renderLiqsChart(shortSqueeze());
    const footer = /<text[^>]*font-size:20px[^>]*>Sources: /.test(chart.svg) || /<text[^>]*font-size="20"[^>]*>Sources: /.test(chart.svg);
    expect(footer).toBe(true);
  });

  it('shows open interest beside its panel when known', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    expect(shows(chart, 'Open interest')).toBe(true);
    const without = await renderLiqsChart(jan31Liqs({ oi: undefined }));
    expect(shows(without, 'Open interest')).toBe(false);
  });

  it('rejects sizes no chat can show', async () => {
    await expect(renderLiqsChart(jan31Liqs(), { width: 10, height: 10 })).rejects.toThrow(/out of range/);
  });
});

describe('renderLevelsChart', () => {
  it('renders a PNG of the requested size', async () => {
    const chart = await renderLevelsChart(jan31Levels(), { width: 1000, height: 600 });
    expect(pngSize(chart.png)).toEqual({ width: 1000, height: 600 });
  });

  it('shows each level with its role and distance from the price', async () => {
    const chart = await renderLevelsChart(jan31Levels());
    expect(texts(chart)).toContain('lost 12:30, now resistance · +24%');
    expect(texts(chart)).toContain('lost 14:15, now resistance · +14%');
    expect(texts(chart)).toContain('support · testing · −2.9%');
    for (const text of ['$3,000', '$2,750–2,800', 'prior support', '$2,350', 'cascade low']) {
      expect(shows(chart, text), text).toBe(true);
    }
  });

  it('pins a level far off the price range to the edge with an arrow instead of squashing the chart', async () => {
    const input = jan31Levels();
    const chart = await renderLevelsChart({ ...input, levels: [...input.levels, { level: 4000, label: 'ATH', role: 'resistance', state: 'holding', distancePct: 65 }] });
    expect(shows(chart, '▲ $4,000')).toBe(true);
  });

  it('keeps the levels nearest the price when there are more than the column can hold, and says how many are left out', async () => {
    const levels = Array.from({ length: 30 }, (_, i) => ({ level: 2300 + i * 25, role: 'resistance' as const, state: 'holding', distancePct: 0 }));
    const chart = await renderLevelsChart(jan31Levels({ levels }));
    const more = texts(chart).find((t) => /^\+\d+ more$/.test(t));
    expect(more).toBeDefined();
    expect(shows(chart, '$2,425')).toBe(true);
  });

  it('is deterministic and marks synthetic data', async () => {
    const a = await renderLevelsChart(jan31Levels({ synthetic: true }));
    const b = await renderLevelsChart(jan31Levels({ synthetic: true }));
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
    expect(texts(a).some((t) => /synthetic/i.test(t))).toBe(true);
  });
});
