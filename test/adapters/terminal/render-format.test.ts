/**
 * The terminal's one escaper against what turns a line around: bidi overrides and isolates and the other format
 * characters go (an exchange's error text reaches the status line), what shows stays (emoji whole, scripts joined).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeTerminal, renderTerminal } from '../../../src/adapters/terminal/render.js';

describe('terminal escaper and format characters', () => {
  it('drops bidi overrides and isolates, U+202A–U+202E and U+2066–U+2069', () => {
    expect(escapeTerminal('binance unreachable (\u202Eemag\u2066 x\u2069)')).toBe('binance unreachable (emag x)');
    expect(escapeTerminal('\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069ok')).toBe('ok');
  });

  it('drops the other format characters and line separators: marks, zero-width, soft hyphen, BOM, tags', () => {
    expect(escapeTerminal('a\u200Eb\u200Fc\u061Cd\u200Be\u2060f\u00ADg\uFEFFh\u{E0041}i\u2028j\u2029k')).toBe('abcdefghijk');
  });

  it('keeps what shows: emoji with their joiners and selector, Persian with its joiner, newlines', () => {
    expect(escapeTerminal('⬇️ ETH 👨\u200D👩\u200D👧\nکاربر\u200Cها')).toBe('⬇️ ETH 👨\u200D👩\u200D👧\nکاربر\u200Cها');
  });

  it('no bidi control survives a rendered reply, wherever the text sits (property)', () => {
    const bidi = fc.constantFrom('\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C');
    const text = fc.array(fc.oneof(bidi, fc.string({ maxLength: 4 })), { maxLength: 40, size: 'max' }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, text, (title, body, label) => {
        const out = renderTerminal({ title: [title], blocks: [[[body, { text: label, tone: 'warn' }]]], buttons: [{ label, command: 'liqs eth' }] }, true);
        expect(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u.test(out)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
