/**
 * Turns an ECharts option into SVG and PNG without a browser: ECharts server-side SVG, rasterized by resvg
 * with the Inter TTFs shipped in assets/fonts. Both libraries load on first use, so commands without a chart never pay for them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EChartsOption } from 'echarts';
import { parseFontMetrics, type FontMetrics } from './fontMetrics.js';

const require = createRequire(import.meta.url);

/** Measures text the way resvg will draw it: `bold` picks the SemiBold face. */
export type Measure = (text: string, sizePx: number, bold?: boolean) => number;

interface Engine {
  echarts: typeof import('echarts');
  resvg: typeof import('@resvg/resvg-js');
  fontFiles: string[];
  measure: Measure;
}

let engine: Engine | undefined;

let fonts: { regular: string; bold: string } | undefined;

/**
 * The font files shipped in assets/fonts (Inter, SIL OFL; see the README there): regular for text, semibold
 * for emphasis. resvg draws with these and ignores system fonts on purpose. Found from the sources
 * (src/charts/) and from the bundle (dist/) alike.
 */
export function fontFiles(): { regular: string; bold: string } {
  if (fonts) return fonts;
  const dir = ['../../assets/fonts/', '../assets/fonts/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((d) => existsSync(`${d}Inter-Regular.ttf`));
  if (!dir) throw new Error('chart fonts not found: assets/fonts/Inter-Regular.ttf is missing from the install');
  return (fonts = { regular: `${dir}Inter-Regular.ttf`, bold: `${dir}Inter-SemiBold.ttf` });
}

/** Metrics of the bundled fonts, read once, for layout code that needs widths before anything is drawn. */
export function loadMeasure(): Measure {
  const files = fontFiles();
  const regular: FontMetrics = parseFontMetrics(readFileSync(files.regular));
  const bold: FontMetrics = parseFontMetrics(readFileSync(files.bold));
  return (text, sizePx, isBold = false) => (isBold ? bold : regular).width(text, sizePx);
}

function loadEngine(): Engine {
  if (engine) return engine;
  try {
    // Loaded on first use, with require: echarts' single-file CommonJS build loads in ~80 ms, where its ESM
    // entry (hundreds of modules) takes ~500 ms, and over a second under tsx's loader.
    const echarts = require('echarts') as typeof import('echarts');
    const resvg = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    const files = fontFiles();
    const measure = loadMeasure();
    // ECharts sizes legends, tags and label boxes with this; its default guess is for a narrower face.
    echarts.setPlatformAPI({
      measureText: (text: string, cssFont?: string) => {
        const size = /(\d+(?:\.\d+)?)px/.exec(cssFont ?? '');
        const bold = /\b(bold|bolder|[5-9]00)\b/.test(cssFont ?? '');
        return { width: measure(text, size ? Number(size[1]) : 12, bold) } as TextMetrics;
      },
    });
    engine = { echarts, resvg, fontFiles: [files.regular, files.bold], measure };
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
  const { echarts, resvg, fontFiles: files } = loadEngine();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let raw: string;
  try {
    chart.setOption({ ...option, animation: false });
    raw = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const svg = normalizeSvg(raw);
  // resvg-js 2.6 (native) takes font paths only (`fontBuffers` exists in its wasm build alone), so it opens the
  // two files per render; they stay in the page cache, and the metrics above are read once.
  const image = await resvg.renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: 'Inter', sansSerifFamily: 'Inter' },
    fitTo: { mode: 'width', value: width },
    shapeRendering: 2,
    textRendering: 1,
  });
  return { svg, png: new Uint8Array(image.asPng()) };
}
