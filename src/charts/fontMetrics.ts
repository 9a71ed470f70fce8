/**
 * Text widths measured from the bundled TTF itself, so ECharts lays out legends, tags and label boxes for the
 * font resvg will actually draw (its built-in guess is for a narrower Helvetica-like face).
 */

/** Advance widths of one font, in em (1 = the font size). */
export interface FontMetrics {
  /** Width of `text` at `sizePx`, in px. Characters the font lacks count as its average advance. */
  width(text: string, sizePx: number): number;
  /** Whether the font has a glyph for this code point. */
  has(codePoint: number): boolean;
}

/** Reads `head`, `hhea`, `hmtx` and the Unicode `cmap` (format 4 or 12) of a TrueType/OpenType font. */
export function parseFontMetrics(font: Uint8Array): FontMetrics {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(font[rec]!, font[rec + 1]!, font[rec + 2]!, font[rec + 3]!);
    tables.set(tag, view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no '${tag}' table`);
    return offset;
  };

  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)) / unitsPerEm;

  const glyphOf = readCmap(view, table('cmap'));
  let sum = 0;
  let count = 0;
  for (let c = 0x21; c < 0x7f; c++) {
    const g = glyphOf(c);
    if (g) {
      sum += advance(g);
      count++;
    }
  }
  const average = count ? sum / count : 0.6;

  const cache = new Map<number, number>();
  const emWidth = (codePoint: number): number => {
    let w = cache.get(codePoint);
    if (w === undefined) {
      const g = glyphOf(codePoint);
      w = g ? advance(g) : average;
      cache.set(codePoint, w);
    }
    return w;
  };

  return {
    width(text, sizePx) {
      let em = 0;
      for (const ch of text) em += emWidth(ch.codePointAt(0)!);
      return em * sizePx;
    },
    has: (codePoint) => glyphOf(codePoint) !== 0,
  };
}

/** A code point → glyph id lookup from the best Unicode subtable (0 = no glyph). */
function readCmap(view: DataView, cmap: number): (codePoint: number) => number {
  const numSubtables = view.getUint16(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < numSubtables; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const sub = cmap + view.getUint32(rec + 4);
    const format = view.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 < 0) format12 = sub;
    if (format === 4 && format4 < 0) format4 = sub;
  }

  if (format12 >= 0) {
    const nGroups = view.getUint32(format12 + 12);
    return (cp) => {
      let lo = 0;
      let hi = nGroups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = format12 + 16 + mid * 12;
        const start = view.getUint32(g);
        const end = view.getUint32(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return view.getUint32(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 >= 0) {
    const segCount = view.getUint16(format4 + 6) / 2;
    const endCodes = format4 + 14;
    const startCodes = endCodes + segCount * 2 + 2;
    const idDeltas = startCodes + segCount * 2;
    const idRangeOffsets = idDeltas + segCount * 2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (cp > view.getUint16(endCodes + s * 2)) continue;
        const start = view.getUint16(startCodes + s * 2);
        if (cp < start) return 0;
        const delta = view.getInt16(idDeltas + s * 2);
        const rangeAt = idRangeOffsets + s * 2;
        const rangeOffset = view.getUint16(rangeAt);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = view.getUint16(rangeAt + rangeOffset + (cp - start) * 2);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error('font has no Unicode cmap subtable');
}
