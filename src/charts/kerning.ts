/**
 * Pair kerning from a font's GPOS table, as resvg's shaper applied it: the `kern` feature's pair-adjustment
 * lookups, read from the raw bytes because opentype.js 2.0 skips extension lookups (type 9), where Inter keeps
 * most of its kerning.
 */

/** Extra advance, in font units, between two glyphs (0 when the font does not kern the pair). */
export type Kerning = (left: number, right: number) => number;

type Subtable = (left: number, right: number) => number | undefined;

const NO_KERNING: Kerning = () => 0;

/**
 * Reads the `kern` lookups of the Latin (else default) script's default language. Lookups apply one after the
 * other and add up; within a lookup the first subtable that covers the pair decides, as in HarfBuzz.
 */
export function parseKerning(font: Uint8Array): Kerning {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const gpos = tableOffset(font, view, 'GPOS');
  if (gpos === undefined) return NO_KERNING;
  const u16 = (at: number) => view.getUint16(at);

  const lookupIndexes = kernLookups(view, gpos);
  const lookupList = gpos + u16(gpos + 8);
  const lookups: Subtable[][] = [];
  for (const index of lookupIndexes) {
    const lookup = lookupList + u16(lookupList + 2 + index * 2);
    const type = u16(lookup);
    const subtables: Subtable[] = [];
    for (let s = 0; s < u16(lookup + 4); s++) {
      let sub = lookup + u16(lookup + 6 + s * 2);
      let subType = type;
      if (type === 9) {
        subType = u16(sub + 2);
        sub += view.getUint32(sub + 4);
      }
      if (subType === 2) subtables.push(pairSubtable(view, sub));
    }
    if (subtables.length) lookups.push(subtables);
  }
  if (!lookups.length) return NO_KERNING;

  const cache = new Map<number, number>();
  return (left, right) => {
    const key = left * 65536 + right;
    let value = cache.get(key);
    if (value === undefined) {
      value = 0;
      for (const subtables of lookups) {
        for (const sub of subtables) {
          const v = sub(left, right);
          if (v !== undefined) {
            value += v;
            break;
          }
        }
      }
      cache.set(key, value);
    }
    return value;
  };
}

function tableOffset(font: Uint8Array, view: DataView, tag: string): number | undefined {
  for (let i = 0; i < view.getUint16(4); i++) {
    const rec = 12 + i * 16;
    if (String.fromCharCode(font[rec]!, font[rec + 1]!, font[rec + 2]!, font[rec + 3]!) === tag) return view.getUint32(rec + 8);
  }
  return undefined;
}

/** Lookup indexes of the `kern` features of the `latn` (else `DFLT`) script's default language system, in order. */
function kernLookups(view: DataView, gpos: number): number[] {
  const u16 = (at: number) => view.getUint16(at);
  const tag = (at: number) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  const scriptList = gpos + u16(gpos + 4);
  const featureList = gpos + u16(gpos + 6);
  const scripts = new Map<string, number>();
  for (let i = 0; i < u16(scriptList); i++) scripts.set(tag(scriptList + 2 + i * 6), scriptList + u16(scriptList + 6 + i * 6));
  const script = scripts.get('latn') ?? scripts.get('DFLT');
  if (script === undefined || u16(script) === 0) return [];
  const langSys = script + u16(script);
  const lookups = new Set<number>();
  for (let i = 0; i < u16(langSys + 4); i++) {
    const feature = u16(langSys + 6 + i * 2);
    const record = featureList + 2 + feature * 6;
    if (tag(record) !== 'kern') continue;
    const table = featureList + u16(record + 4);
    for (let k = 0; k < u16(table + 2); k++) lookups.add(u16(table + 4 + k * 2));
  }
  return [...lookups].sort((a, b) => a - b);
}

/** Bytes of a value record, and where its x advance sits in it (-1: none). */
function valueRecord(format: number): { size: number; xAdvance: number } {
  let bits = 0;
  for (let f = format; f; f >>= 1) bits += f & 1;
  return { size: bits * 2, xAdvance: format & 4 ? ((format & 1) + ((format >> 1) & 1)) * 2 : -1 };
}

/** A PairPos subtable (format 1: glyph pairs, format 2: class pairs): the first glyph's extra advance, or undefined when it does not cover the pair. */
function pairSubtable(view: DataView, sub: number): Subtable {
  const u16 = (at: number) => view.getUint16(at);
  const format = u16(sub);
  const coverage = coverageOf(view, sub + u16(sub + 2));
  const value1 = valueRecord(u16(sub + 4));
  const value2 = valueRecord(u16(sub + 6));
  const xAdvance = (record: number) => (value1.xAdvance < 0 ? 0 : view.getInt16(record + value1.xAdvance));
  if (format === 1) {
    const recordSize = 2 + value1.size + value2.size;
    return (left, right) => {
      const index = coverage(left);
      if (index < 0) return undefined;
      const pairSet = sub + u16(sub + 10 + index * 2);
      let lo = 0;
      let hi = u16(pairSet) - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const record = pairSet + 2 + mid * recordSize;
        const second = u16(record);
        if (second < right) lo = mid + 1;
        else if (second > right) hi = mid - 1;
        else return xAdvance(record + 2);
      }
      return undefined;
    };
  }
  if (format === 2) {
    const class1 = classDefOf(view, sub + u16(sub + 8));
    const class2 = classDefOf(view, sub + u16(sub + 10));
    const class1Count = u16(sub + 12);
    const class2Count = u16(sub + 14);
    const recordSize = value1.size + value2.size;
    return (left, right) => {
      if (coverage(left) < 0) return undefined;
      const c1 = class1(left);
      const c2 = class2(right);
      if (c1 >= class1Count || c2 >= class2Count) return undefined;
      return xAdvance(sub + 16 + (c1 * class2Count + c2) * recordSize);
    };
  }
  return () => undefined;
}

/** Coverage index of a glyph (-1: not covered). */
function coverageOf(view: DataView, at: number): (glyph: number) => number {
  const u16 = (o: number) => view.getUint16(o);
  const count = u16(at + 2);
  if (u16(at) === 2) {
    return (glyph) => {
      const range = findRange(view, at + 4, count, glyph);
      return range < 0 ? -1 : u16(range + 4) + glyph - u16(range);
    };
  }
  return (glyph) => {
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = u16(at + 4 + mid * 2);
      if (g < glyph) lo = mid + 1;
      else if (g > glyph) hi = mid - 1;
      else return mid;
    }
    return -1;
  };
}

/** Class of a glyph (0 when the table does not list it). */
function classDefOf(view: DataView, at: number): (glyph: number) => number {
  const u16 = (o: number) => view.getUint16(o);
  if (u16(at) === 1) {
    const start = u16(at + 2);
    const count = u16(at + 4);
    return (glyph) => (glyph >= start && glyph < start + count ? u16(at + 6 + (glyph - start) * 2) : 0);
  }
  return (glyph) => {
    const range = findRange(view, at + 4, u16(at + 2), glyph);
    return range < 0 ? 0 : u16(range + 4);
  };
}

/** The record holding `glyph` among `count` sorted 6-byte range records (first, last, value) at `at`; -1 if none. */
function findRange(view: DataView, at: number, count: number, glyph: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = at + mid * 6;
    if (view.getUint16(range + 2) < glyph) lo = mid + 1;
    else if (view.getUint16(range) > glyph) hi = mid - 1;
    else return range;
  }
  return -1;
}
