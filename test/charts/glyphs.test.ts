import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineMeasure, fontFiles } from '../../src/charts/engine.js';
import { outlineText, parseGlyphFace, type GlyphFaces } from '../../src/charts/glyphs.js';
import { renderLiqsChart } from '../../src/charts/render.js';
import { jan31Liqs } from './fixtures.js';

const faces: GlyphFaces = { regular: parseGlyphFace(readFileSync(fontFiles().regular)), bold: parseGlyphFace(readFileSync(fontFiles().bold)) };
const glyphIds = (svg: string): string[] => [...svg.matchAll(/<use href="#glyph-([rb]\d+)"/g)].map((m) => m[1]!);

describe('chart text as glyph outlines', () => {
  it('places a text by its anchor, baseline and size, in the semibold face for weight 600, kerned, keeping fill and opacity', () => {
    const svg = outlineText(
      '<svg width="100"><text x="10" y="20" dominant-baseline="central" text-anchor="end" style="font-size:20px;font-weight:600;" fill="#f00" fill-opacity="0.5">AV</text></svg>',
      faces,
    );
    // SemiBold: A and V advance 1490 units each, the pair kerns by −154; 2048 units/em; central baseline
    // = (ascender 1984 + descender −494) / 2 = 745 units below y. At 20 px: x = 10 − 2826·20/2048, y = 20 + 745·20/2048.
    expect(svg).toContain('<g transform="translate(-17.598 27.275) scale(0.00976563)" fill="#f00" fill-opacity="0.5"><use href="#glyph-b2" x="0"/><use href="#glyph-b456" x="1336"/></g>');
    expect(svg).not.toContain('<text');
    expect(svg.match(/<path id="glyph-b2" d="M[^"]+"/)).not.toBeNull();
  });

  it('takes the contextual alternates resvg drew: the raised asterisk after capitals, the plain one after lowercase', () => {
    const svg = outlineText('<svg><text style="font-size:20px">OKX*</text><text style="font-size:20px">Binance*</text></svg>', faces);
    const ids = glyphIds(svg);
    expect(ids[3]).toBe('r1546'); // asterisk.case
    expect(ids.at(-1)).toBe('r1545'); // asterisk
  });

  it('draws a run of characters the font lacks (emoji, CJK) as one "?", never its .notdef box, drops joiners and variation selectors, never throws', () => {
    const svg = outlineText('<svg><text x="10" y="20" style="font-size:16px">😀中a&amp;\u200d\ufe0f</text></svg>', faces);
    expect(glyphIds(svg)).toEqual(['r1429', 'r507', 'r1423']);
    expect(outlineText('<svg><text>   </text><text x="1"></text></svg>', faces)).toBe('<svg></svg>');
    expect(glyphIds(outlineText('<svg><text>&#x110000;&#65;</text></svg>', faces))).toEqual(['r1429', 'r2']);
  });

  it('measures text as it is drawn, a run of characters the font lacks as one "?", so labels are fitted to what shows', () => {
    const measure = engineMeasure();
    expect(measure('支撑 阻力 $2,500', 16)).toBe(measure('? $2,500', 16));
    expect(measure('🚀 breakout', 16, true)).toBe(measure('? breakout', 16, true));
  });

  it('leaves no <text> in a real chart: every label becomes glyphs', async () => {
    const chart = await renderLiqsChart(jan31Liqs());
    const texts = [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].length;
    expect(texts).toBeGreaterThan(30);
    const outlined = outlineText(chart.svg, faces);
    expect(outlined).not.toContain('<text');
    expect([...outlined.matchAll(/<g transform="[^"]*scale\(/g)].length).toBe(texts);
  });
});
