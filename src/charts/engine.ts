/**
 * Turns an ECharts option into SVG and PNG without a browser: ECharts server-side SVG, its text turned into glyph
 * outlines of the Inter TTFs shipped in assets/fonts (read once per process), rasterized by resvg. The libraries
 * and fonts load on first use, so commands without a chart never pay for them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EChartsOption } from 'echarts';
import { parseFontMetrics, type FontMetrics } from './fontMetrics.js';
import { drawable, isBoldWeight, outlineText, parseGlyphFace, type GlyphFaces } from './glyphs.js';

const require = createRequire(import.meta.url);

/** Measures text the way resvg will draw it: `bold` picks the SemiBold face. */
export type Measure = (text: string, sizePx: number, bold?: boolean) => number;

interface Engine {
  echarts: typeof import('echarts');
  resvg: typeof import('@resvg/resvg-js');
  glyphs: GlyphFaces;
  measure: Measure;
}

let engine: Engine | undefined;

let fonts: { regular: string; bold: string } | undefined;

/**
 * The font files shipped in assets/fonts (Inter, SIL OFL; see the README there): regular for text, semibold
 * for emphasis. Charts draw with these and never with system fonts, on purpose. Found from the sources
 * (src/charts/) and from the bundle (dist/) alike, unless `useFontFiles` named others.
 */
export function fontFiles(): { regular: string; bold: string } {
  if (fonts) return fonts;
  const dir = ['../../assets/fonts/', '../assets/fonts/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((d) => existsSync(`${d}Inter-Regular.ttf`));
  if (!dir) throw new Error('chart fonts not found: assets/fonts/Inter-Regular.ttf is missing from the install');
  return (fonts = { regular: `${dir}Inter-Regular.ttf`, bold: `${dir}Inter-SemiBold.ttf` });
}

/**
 * Draws charts with other copies of the two faces (a deployment that keeps fonts elsewhere; tests). Only before
 * the first chart: the engine reads the files once, when it loads.
 */
export function useFontFiles(files: { regular: string; bold: string }): void {
  if (engine) throw new Error('useFontFiles: the chart engine has already read its fonts');
  fonts = { ...files };
}

/** The bytes of the two font files. */
function readFonts(): { regular: Uint8Array; bold: Uint8Array } {
  const files = fontFiles();
  return { regular: readFileSync(files.regular), bold: readFileSync(files.bold) };
}

interface Metrics {
  regular: FontMetrics;
  bold: FontMetrics;
}

function metricsOf(font: { regular: Uint8Array; bold: Uint8Array }): Metrics {
  return { regular: parseFontMetrics(font.regular), bold: parseFontMetrics(font.bold) };
}

/** Widths of text as its outlines are drawn: a run of characters the font lacks is one "?" (glyphs.ts `drawable`). */
function measureOf(metrics: Metrics): Measure {
  return (text, sizePx, isBold = false) => {
    const face = isBold ? metrics.bold : metrics.regular;
    return face.width(drawable(text, face.has), sizePx);
  };
}

/** Metrics of the bundled fonts, for layout code that needs widths before anything is drawn. */
export function loadMeasure(): Measure {
  return measureOf(metricsOf(readFonts()));
}

function loadEngine(): Engine {
  if (engine) return engine;
  try {
    // Loaded on first use, with require: echarts' single-file CommonJS build loads in ~80 ms, where its ESM
    // entry (hundreds of modules) takes ~500 ms, and over a second under tsx's loader. The minified build: the
    // same code, but V8 keeps a module's source text for as long as it runs, 1.1 MB instead of 3.7 MB.
    const echarts = require('echarts/dist/echarts.min.js') as typeof import('echarts');
    const resvg = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    // The only time the font files are read: metrics for layout and outlines for drawing come from these bytes.
    const font = readFonts();
    const metrics = metricsOf(font);
    const measure = measureOf(metrics);
    const glyphs: GlyphFaces = { regular: parseGlyphFace(font.regular), bold: parseGlyphFace(font.bold) };
    // ECharts sizes legends, tags and label boxes with this; its default guess is for a narrower face. It also sets
    // every line height by the width of "国", which the font lacks: raw widths here (a missing character at the
    // font's average advance), the ones the charts are laid out on.
    echarts.setPlatformAPI({
      measureText: (text: string, cssFont?: string) => {
        const size = /(\d+(?:\.\d+)?)px/.exec(cssFont ?? '');
        const weight = /\b(bold|bolder|[1-9]00)\b/.exec(cssFont ?? '');
        const face = isBoldWeight(weight?.[1]) ? metrics.bold : metrics.regular;
        return { width: face.width(text, size ? Number(size[1]) : 12) } as TextMetrics;
      },
    });
    engine = { echarts, resvg, glyphs, measure };
    return engine;
  } catch (err) {
    throw new Error('chart engine failed to load (echarts, @resvg/resvg-js, assets/fonts)', { cause: err });
  }
}

/**
 * Loads the chart libraries and fonts now rather than on the first chart (~0.1 s), e.g. once a bot is
 * connected. Optional: rendering loads them anyway.
 */
export function preloadCharts(): void {
  loadEngine();
}

/** The bundled font metrics (the same ones ECharts measures with). */
export function engineMeasure(): Measure {
  return loadEngine().measure;
}

/**
 * ECharts numbers every chart instance (`zr0`, `zr1`, …) and hover classes with process-wide counters;
 * renumber them so the same chart always gives the same bytes, and drop hover CSS a picture cannot use.
 */
export function normalizeSvg(svg: string): string {
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>\n?/g, '')
    .replace(/ class="([^"]*)"/g, (_m, names: string) => {
      const kept = names.split(/\s+/).filter((n) => n && !/^zr\d+-cls-\d+$/.test(n));
      return kept.length ? ` class="${kept.join(' ')}"` : '';
    })
    .replace(/\bzr\d+-/g, 'chart-');
}

export interface Rendered {
  svg: string;
  png: Uint8Array;
}

/** Draws an option at a size: deterministic SVG, then a PNG of exactly width × height. */
export async function renderOption(option: EChartsOption, width: number, height: number): Promise<Rendered> {
  const { echarts } = loadEngine();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let raw: string;
  try {
    chart.setOption({ ...option, animation: false });
    raw = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const svg = normalizeSvg(raw);
  return { svg, png: await rasterize(svg, width) };
}

/** The resvg options for a chart `width` px wide: no fonts at all, since text arrives as outlines. */
export function rasterOptions(width: number): import('@resvg/resvg-js').ResvgRenderOptions {
  return { font: { loadSystemFonts: false }, fitTo: { mode: 'width', value: width }, shapeRendering: 2, textRendering: 1 };
}

/**
 * A chart's SVG as a PNG `width` px wide: its text drawn as glyph outlines of the bundled fonts, parsed once,
 * so resvg opens no font file (resvg-js 2.6's native build takes font paths only and re-read them at every render).
 */
export async function rasterize(svg: string, width: number): Promise<Uint8Array> {
  const image = await loadEngine().resvg.renderAsync(outlinedSvg(svg), rasterOptions(width));
  return new Uint8Array(image.asPng());
}

/** A chart's SVG with every `<text>` replaced by glyph outlines of the bundled fonts. */
export function outlinedSvg(svg: string): string {
  return outlineText(svg, loadEngine().glyphs);
}
