// Its own file: the chart engine reads its fonts once per process (per test file here), and this test must name the
// files before anything is drawn.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fontFiles, rasterize, useFontFiles } from '../../src/charts/engine.js';
import { renderLevelsChart, renderLiqsChart } from '../../src/charts/render.js';
import { jan31Levels, jan31Liqs } from './fixtures.js';

describe('fonts read once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liqbot-fonts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps drawing the same charts after the font files are gone', async () => {
    const copies = { regular: join(dir, 'Inter-Regular.ttf'), bold: join(dir, 'Inter-SemiBold.ttf') };
    copyFileSync(fontFiles().regular, copies.regular);
    copyFileSync(fontFiles().bold, copies.bold);
    useFontFiles(copies);
    const before = await renderLiqsChart(jan31Liqs());
    rmSync(copies.regular);
    rmSync(copies.bold);

    const after = await renderLiqsChart(jan31Liqs());
    expect(Buffer.from(after.png).equals(Buffer.from(before.png))).toBe(true);
    // And the text is really drawn: the same chart without its text is another picture.
    const bare = await rasterize(after.svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''), 1200);
    expect(Buffer.from(bare).equals(Buffer.from(after.png))).toBe(false);
    // Glyphs never drawn before (the levels chart's words) come from the fonts parsed at the start.
    const levels = await renderLevelsChart(jan31Levels());
    expect(levels.png.length).toBeGreaterThan(1000);
    expect(() => useFontFiles(copies)).toThrow(/already read its fonts/);
  });
});
