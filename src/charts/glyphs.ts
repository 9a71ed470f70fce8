/**
 * Chart text drawn as glyph outlines: every `<text>` of an ECharts SVG becomes `<use>`s of glyph paths taken from
 * the bundled fonts, parsed once per process, so resvg rasterizes with no font loading at all (resvg-js 2.6's
 * native build has no `fontBuffers` and re-read the font files at every render, ~33 ms each).
 */
import { createRequire } from 'node:module';
import type opentype from 'opentype.js';
import { parseKerning, type Kerning } from './kerning.js';

/** One face: glyph outlines cached in font units (y down), advances, pair kerning and vertical metrics. */
export interface GlyphFace {
  readonly unitsPerEm: number;
  /** Typographic ascender and descender (descender negative), in font units, as resvg's shaper takes them. */
  readonly ascender: number;
  readonly descender: number;
  readonly xHeight: number;
  /** Glyph id of a code point; 0 (the font's .notdef box, never drawn) when the font lacks it. */
  glyphOf(codePoint: number): number;
  /** A run of glyph ids after the font's contextual alternates (`calt`), which resvg's shaper applied too. */
  contextual(glyphs: number[]): number[];
  advance(glyph: number): number;
  kerning: Kerning;
  /** SVG path data of a glyph at 1 unit = 1 px, baseline at y = 0. */
  outline(glyph: number): string;
}

/** The two faces a chart draws with: regular (weights up to 500) and semibold. */
export interface GlyphFaces {
  regular: GlyphFace;
  bold: GlyphFace;
}

const require = createRequire(import.meta.url);

/** Parses one TTF (lazily: glyphs are read the first time they are drawn, then kept). opentype.js loads on first use, like the rest of the chart engine. */
export function parseGlyphFace(bytes: Uint8Array): GlyphFace {
  const { parse } = require('opentype.js') as typeof opentype;
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const font = parse(copy, { lowMemory: true });
  const os2 = font.tables.os2 as unknown as { fsSelection: number; sTypoAscender: number; sTypoDescender: number; sxHeight?: number } | undefined;
  const hhea = font.tables.hhea as unknown as { ascender: number; descender: number };
  // ttf-parser (under resvg) takes the OS/2 typographic metrics when USE_TYPO_METRICS (bit 7) is set.
  const typo = os2 !== undefined && (os2.fsSelection & 0x80) !== 0;
  const glyphIds = new Map<number, number>();
  const outlines = new Map<number, string>();
  return {
    unitsPerEm: font.unitsPerEm,
    ascender: typo ? os2.sTypoAscender : hhea.ascender,
    descender: typo ? os2.sTypoDescender : hhea.descender,
    xHeight: os2?.sxHeight || font.unitsPerEm / 2,
    // One character at a time: opentype.js's shaper (stringToGlyphs) throws on Inter's ccmp lookups.
    glyphOf(codePoint) {
      let id = glyphIds.get(codePoint);
      if (id === undefined) {
        id = font.charToGlyph(String.fromCodePoint(codePoint)).index;
        glyphIds.set(codePoint, id);
      }
      return id;
    },
    contextual: contextualAlternates(font),
    advance: (glyph) => font.glyphs.get(glyph).advanceWidth ?? 0,
    kerning: parseKerning(bytes),
    outline(glyph) {
      let d = outlines.get(glyph);
      if (d === undefined) {
        d = font.glyphs.get(glyph).getPath(0, 0, font.unitsPerEm).toPathData(1);
        outlines.set(glyph, d);
      }
      return d;
    },
  };
}

interface Coverage {
  format: number;
  glyphs?: number[];
  ranges?: { start: number; end: number; index: number }[];
}
interface GsubSubtable {
  substFormat: number;
  coverage?: Coverage;
  deltaGlyphId?: number;
  substitute?: number[];
  ligatureSets?: { ligGlyph: number; components: number[] }[][];
  backtrackCoverage?: Coverage[];
  inputCoverage?: Coverage[];
  lookaheadCoverage?: Coverage[];
  lookupRecords?: { sequenceIndex: number; lookupListIndex: number }[];
}
interface Gsub {
  scripts: { tag: string; script: { defaultLangSys?: { featureIndexes: number[] } } }[];
  features: { tag: string; feature: { lookupListIndexes: number[] } }[];
  lookups: { lookupType: number; subtables: GsubSubtable[] }[];
}

/** Glyph → coverage index of the list-form coverages, built on first use: Inter's `calt` tests every glyph of
 *  every label against lists of hundreds of glyphs, which `indexOf` made ~3 ms of each chart. */
const coverageIndexes = new WeakMap<Coverage, Map<number, number>>();

function covers(coverage: Coverage | undefined, glyph: number | undefined): number {
  if (!coverage || glyph === undefined) return -1;
  if (coverage.glyphs) {
    let index = coverageIndexes.get(coverage);
    if (!index) {
      index = new Map();
      for (const [i, g] of coverage.glyphs.entries()) if (!index.has(g)) index.set(g, i);
      coverageIndexes.set(coverage, index);
    }
    return index.get(glyph) ?? -1;
  }
  for (const r of coverage.ranges ?? []) if (glyph >= r.start && glyph <= r.end) return r.index + glyph - r.start;
  return -1;
}

/**
 * The `calt` feature of the Latin script, as far as Inter uses it: single (1) and ligature (4) substitutions and
 * coverage-based chaining contexts (6, format 3) — e.g. `OKX*` takes the raised asterisk, `->` an arrow.
 * Other lookup kinds leave the run unchanged.
 */
function contextualAlternates(font: opentype.Font): (glyphs: number[]) => number[] {
  const gsub = font.tables.gsub as unknown as Gsub | undefined;
  const langSys = gsub && (gsub.scripts.find((s) => s.tag === 'latn') ?? gsub.scripts.find((s) => s.tag === 'DFLT'))?.script.defaultLangSys;
  if (!gsub || !langSys) return (glyphs) => glyphs;
  const lookups = [...new Set(langSys.featureIndexes.filter((i) => gsub.features[i]?.tag === 'calt').flatMap((i) => gsub.features[i]!.feature.lookupListIndexes))].sort((a, b) => a - b);

  /** Applies one lookup at `i`; returns how many glyphs it consumed (0: it did not apply). */
  function applyAt(lookupIndex: number, run: number[], i: number): number {
    const lookup = gsub!.lookups[lookupIndex];
    if (!lookup) return 0;
    for (const sub of lookup.subtables) {
      if (lookup.lookupType === 1) {
        const index = covers(sub.coverage, run[i]);
        if (index < 0) continue;
        run[i] = sub.substFormat === 1 ? (run[i]! + sub.deltaGlyphId!) & 0xffff : (sub.substitute![index] ?? run[i]!);
        return 1;
      }
      if (lookup.lookupType === 4) {
        const index = covers(sub.coverage, run[i]);
        if (index < 0) continue;
        const ligature = sub.ligatureSets![index]?.find((l) => l.components.every((c, k) => run[i + 1 + k] === c));
        if (!ligature) continue;
        run.splice(i, 1 + ligature.components.length, ligature.ligGlyph);
        return 1;
      }
      if (lookup.lookupType === 6 && sub.substFormat === 3) {
        const input = sub.inputCoverage!;
        const matches =
          input.every((c, k) => covers(c, run[i + k]) >= 0) &&
          sub.backtrackCoverage!.every((c, k) => covers(c, run[i - 1 - k]) >= 0) &&
          sub.lookaheadCoverage!.every((c, k) => covers(c, run[i + input.length + k]) >= 0);
        if (!matches) continue;
        const before = run.length;
        for (const record of sub.lookupRecords!) applyAt(record.lookupListIndex, run, i + record.sequenceIndex);
        return Math.max(1, input.length - (before - run.length));
      }
    }
    return 0;
  }

  /** Per lookup, the glyphs a match can start with (its coverage, or its first input's): most glyphs of a label
   *  start none, and are passed over without trying each subtable. Undefined: anything may start one. */
  const coverageGlyphs = (c: Coverage): number[] =>
    c.glyphs ?? (c.ranges ?? []).flatMap((r) => Array.from({ length: r.end - r.start + 1 }, (_, k) => r.start + k));
  const startsOf = (subtables: GsubSubtable[]): Set<number> | undefined => {
    const set = new Set<number>();
    for (const sub of subtables) {
      const c = sub.inputCoverage ? sub.inputCoverage[0] : sub.coverage;
      if (!c) return undefined;
      for (const g of coverageGlyphs(c)) set.add(g);
    }
    return set;
  };
  const starts = new Map(lookups.map((l) => [l, startsOf(gsub.lookups[l]?.subtables ?? [])]));

  return (glyphs) => {
    const run = [...glyphs];
    for (const lookupIndex of lookups) {
      const first = starts.get(lookupIndex);
      for (let i = 0; i < run.length; ) i += ((!first || first.has(run[i]!)) && applyAt(lookupIndex, run, i)) || 1;
    }
    return run;
  };
}

/** Whether a CSS font-weight draws with the semibold face: the nearest of 400 and 600, as CSS font matching picks. */
export function isBoldWeight(weight: string | undefined): boolean {
  if (!weight) return false;
  if (weight === 'bold' || weight === 'bolder') return true;
  const n = Number(weight);
  return Number.isFinite(n) && n > 500;
}

/** Characters drawn as nothing at all (joiners, variation selectors, BOM), as a shaper hides them. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}]/gu;

const TEXT = /<text\b([^>]*)>([^<]*)<\/text>/g;
const ATTR = /([\w:-]+)="([^"]*)"/g;
/** Attributes of `<text>` that the outline replaces; every other one (fill, opacity, stroke…) goes on the group. */
const CONSUMED = new Set(['x', 'y', 'dx', 'dy', 'style', 'transform', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'font-size', 'font-family', 'font-weight', 'font-style', 'xml:space', 'textLength', 'lengthAdjust']);

function unescape(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex || dec) {
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd'; // beyond Unicode: drawn "?", not a RangeError
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name!.toLowerCase() as 'amp']!;
  });
}

/** Where the baseline sits below the `y` of a text, in font units, for a dominant-baseline (resvg's rules). */
function baselineOffset(face: GlyphFace, baseline: string | undefined): number {
  switch (baseline) {
    case 'central':
      return (face.ascender + face.descender) / 2;
    case 'middle':
      return face.xHeight / 2;
    case 'hanging':
      return face.ascender * 0.8;
    case 'mathematical':
      return face.ascender / 2;
    case 'text-before-edge':
    case 'before-edge':
      return face.ascender;
    case 'text-after-edge':
    case 'after-edge':
    case 'ideographic':
      return face.descender;
    default:
      return 0;
  }
}

const num = (n: number): string => String(Math.round(n * 1000) / 1000);

/**
 * `text` as a font with glyphs for `has` can draw it: each run of characters it lacks (a CJK word, an emoji, with the
 * spaces between them) becomes one "?", so a label says that something is there, readable in the reply's text, where
 * the font's .notdef boxes ("tofu") would show a row of empty squares. "支撑 $2,500" → "? $2,500".
 */
export function drawable(text: string, has: (codePoint: number) => boolean): string {
  let out = '';
  // Where the last "?" standing for missing characters ends in `out` (-1: none yet).
  let after = -1;
  for (const ch of text) {
    if (has(ch.codePointAt(0)!)) out += ch;
    else if (after >= 0 && /^ *$/.test(out.slice(after))) out = out.slice(0, after);
    else {
      out += '?';
      after = out.length;
    }
  }
  return out;
}

/**
 * Replaces every `<text>` of an SVG with its glyphs: a group placed and scaled like the text (anchor, baseline,
 * size, weight), holding `<use>`s of glyph paths defined once in a `<defs>`. Characters the fonts lack are drawn as
 * "?" (`drawable`), never as the font's .notdef box; nothing throws on odd text.
 */
export function outlineText(svg: string, faces: GlyphFaces): string {
  const defs = new Map<string, string>();
  const body = svg.replace(TEXT, (_m, rawAttrs: string, rawText: string) => {
    const attrs = new Map<string, string>();
    for (const [, name, value] of rawAttrs.matchAll(ATTR)) attrs.set(name!, value!);
    const style = new Map<string, string>();
    for (const decl of (attrs.get('style') ?? '').split(';')) {
      const colon = decl.indexOf(':');
      if (colon > 0) style.set(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
    }
    const prop = (name: string): string | undefined => style.get(name) ?? attrs.get(name);
    const face = isBoldWeight(prop('font-weight')) ? faces.bold : faces.regular;
    const which = face === faces.bold ? 'b' : 'r';
    const sizePx = parseFloat(prop('font-size') ?? '') || 12;
    let text = unescape(rawText).replace(INVISIBLE, '');
    if (attrs.get('xml:space') !== 'preserve') text = text.replace(/[\n\r]/g, '').replace(/\t/g, ' ').replace(/ {2,}/g, ' ').trim();

    const uses: string[] = [];
    let pen = 0;
    let previous = -1;
    const has = (codePoint: number) => face.glyphOf(codePoint) !== 0;
    // A font without "?" either draws nothing for them (glyph 0, its .notdef box, is never drawn).
    const glyphs = face.contextual([...drawable(text, has)].map((ch) => face.glyphOf(ch.codePointAt(0)!))).filter((g) => g !== 0);
    for (const glyph of glyphs) {
      if (previous >= 0) pen += face.kerning(previous, glyph);
      const id = `glyph-${which}${glyph}`;
      const d = face.outline(glyph);
      if (d) {
        if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${d}"/>`);
        uses.push(`<use href="#${id}" x="${pen}"/>`);
      }
      pen += face.advance(glyph);
      previous = glyph;
    }
    if (!uses.length) return '';

    const scale = sizePx / face.unitsPerEm;
    const anchor = prop('text-anchor');
    const shift = anchor === 'middle' ? -pen / 2 : anchor === 'end' ? -pen : 0;
    const x = (parseFloat(attrs.get('x') ?? '') || 0) + (parseFloat(attrs.get('dx') ?? '') || 0) + shift * scale;
    const y = (parseFloat(attrs.get('y') ?? '') || 0) + (parseFloat(attrs.get('dy') ?? '') || 0) + baselineOffset(face, prop('dominant-baseline')) * scale;
    const place = `translate(${num(x)} ${num(y)}) scale(${Number(scale.toPrecision(6))})`;
    const transform = attrs.has('transform') ? `${attrs.get('transform')} ${place}` : place;
    // Stroke widths are in px; the group is in font units.
    const keep = (name: string, value: string): string => (name === 'stroke-width' ? num(parseFloat(value) / scale) : value);
    let kept = '';
    for (const [name, value] of attrs) if (!CONSUMED.has(name)) kept += ` ${name}="${keep(name, value)}"`;
    const keptStyle = [...style].filter(([name]) => !CONSUMED.has(name)).map(([name, value]) => `${name}:${keep(name, value)}`);
    if (keptStyle.length) kept += ` style="${keptStyle.join(';')}"`;
    return `<g transform="${transform}"${kept}>${uses.join('')}</g>`;
  });
  if (!defs.size) return body;
  const defsText = `<defs>${[...defs.values()].join('')}</defs>`;
  return body.replace(/(<svg\b[^>]*>)/, `$1${defsText}`);
}
