/**
 * Text the bundled fonts cannot draw (a CJK label, an emoji, an asset named in Chinese) never shows as the font's
 * .notdef box ("tofu"): each run of missing characters becomes one "?", the rest of the text (the price) drawn as is.
 * Asserted on the glyph runs of the outlined SVG, not on pixels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fontFiles, outlinedSvg } from '../../src/charts/engine.js';
import { drawable, outlineText, parseGlyphFace, type GlyphFaces } from '../../src/charts/glyphs.js';
import { renderLevelsChart } from '../../src/charts/render.js';
import { jan31Levels } from './fixtures.js';

const faces: GlyphFaces = { regular: parseGlyphFace(readFileSync(fontFiles().regular)), bold: parseGlyphFace(readFileSync(fontFiles().bold)) };
const glyphIds = (svg: string): string[] => [...svg.matchAll(/<use href="#glyph-([rb]\d+)"/g)].map((m) => m[1]!);
/** The glyphs of one text in the regular face. */
const run = (text: string) => glyphIds(outlineText(`<svg><text x="10" y="20" style="font-size:16px">${text}</text></svg>`, faces));
/** The .notdef box of either face. */
const TOFU = /#glyph-[rb]0"/;
const inter = (cp: number) => faces.regular.glyphOf(cp) !== 0;

describe('drawable: what the bundled font can show of a text', () => {
  it('puts one "?" for each run of characters the font lacks, spaces between them included, and keeps the rest', () => {
    expect(drawable('支撑 $2,500', inter)).toBe('? $2,500');
    expect(drawable('🚀', inter)).toBe('?');
    expect(drawable('支撑 阻力  $2,500 🚀🚀', inter)).toBe('?  $2,500 ?');
    expect(drawable('ETH 🚀 moon', inter)).toBe('ETH ? moon');
    expect(drawable('a?b', inter)).toBe('a?b');
    expect(drawable('$2,500 – prior support · −14%', inter)).toBe('$2,500 – prior support · −14%');
  });
});

describe('chart text the fonts lack', () => {
  it('draws a CJK label as "?" and its price, never the .notdef box', () => {
    expect(run('支撑 $2,500')).toEqual(run('? $2,500'));
    expect(run('🚀')).toEqual(run('?'));
    expect(run('&#x110000;A')).toEqual(run('?A'));
    expect(outlineText('<svg><text style="font-size:16px;font-weight:600">币安人生 levels</text></svg>', faces)).not.toMatch(TOFU);
  });

  it('renders a /levels chart with the labels "支撑 $2,500" and "🚀" and an asset named in Chinese without a tofu box', async () => {
    const base = jan31Levels();
    const input = jan31Levels({
      asset: '币安人生',
      levels: [
        { level: 2500, label: '支撑 $2,500', role: 'support', state: 'holding', distancePct: -5.4 },
        { level: 3000, label: '🚀', role: 'resistance', state: 'broken', distancePct: 13.5, lastBreak: { ts: base.to - 6 * 3_600_000, direction: 'down' } },
      ],
    });
    const chart = await renderLevelsChart(input);
    const texts = [...chart.svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)];
    // The labels and the asset reach the SVG as typed...
    expect(texts.some(([, t]) => t!.includes('支撑'))).toBe(true);
    expect(texts.some(([, t]) => t!.includes('🚀'))).toBe(true);
    expect(texts.some(([, t]) => t!.includes('币安人生'))).toBe(true);
    // ...and each is drawn as the font can: every text of the chart outlined as its drawable form, no .notdef anywhere.
    const outlined = outlinedSvg(chart.svg);
    expect(outlined).not.toMatch(TOFU);
    for (const [element, t] of texts) {
      if (!/[^\x20-\x7e·–—−≈↑↓→]/u.test(t!)) continue;
      const drawn = glyphIds(outlineText(`<svg>${element}</svg>`, faces));
      const expected = glyphIds(outlineText(`<svg>${element.replace(t!, drawable(t!, inter))}</svg>`, faces));
      expect(drawn, t).toEqual(expected);
      expect(drawn.length, t).toBeGreaterThan(0);
    }
    const label = texts.find(([, t]) => t!.includes('支撑'))!;
    expect(glyphIds(outlineText(`<svg>${label[0]}</svg>`, faces))).toEqual(run('? $2,500'));
  });
});
