/** What people type: prices, zones, assets, windows and labels; every parser answers, none throws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeMatches, parseAnyWindow, parseAsset, parseLabel, parseLevel, parsePrice, parseReason, parseWindow, splitWords } from '../../commands/parse.js';
import { price } from '../../src/replies/format.js';

describe('parsePrice', () => {
  it.each([
    ['2350', 2350], ['2,350', 2350], ['2.35k', 2350], ['$2350', 2350], ['$ 2,350.5', 2350.5], ['0.000012', 0.000012],
    ['1.2M', 1_200_000], ['95k', 95_000], ['2350usdt', 2350], ['100_000', 100_000],
  ])('reads %s as %d', (raw, value) => expect(parsePrice(raw)).toEqual({ ok: true, value }));

  it.each([['2,35k'], ['2,35']])('calls %s ambiguous and suggests the decimal point', (raw) => {
    const r = parsePrice(raw);
    expect(r).toMatchObject({ ok: false, error: 'ambiguous_number' });
    if (!r.ok) expect(r.message).toMatch(/2\.35/);
  });

  it.each([['abc'], ['-5'], ['0'], ['1e400'], ['9'.repeat(40)], ['NaN'], ['Infinity'], ['2..3'], ['1,2,3'], ['']])('refuses %j with a sentence', (raw) => {
    const r = parsePrice(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
  });

  it('never throws and only ever returns finite positive prices (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, size: 'max' }), (s) => {
        const r = parsePrice(s);
        if (r.ok) expect(Number.isFinite(r.value) && r.value > 0 && r.value <= 1e9).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any price written with thousands separators (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (n) => {
        expect(parsePrice(n.toLocaleString('en-US'))).toEqual({ ok: true, value: n });
        expect(parsePrice(`$${n}`)).toEqual({ ok: true, value: n });
      }),
    );
  });
});

describe('parseLevel', () => {
  it.each([
    ['2750-2800', [2750, 2800]], ['2750–2800', [2750, 2800]], ['2750 — 2800', [2750, 2800]], ['2.75k-2.8k', [2750, 2800]],
    ['2800-2750', [2750, 2800]], ['2750 to 2800', [2750, 2800]], ['3000', 3000], ['3000-3000', 3000],
  ])('reads %s', (raw, value) => expect(parseLevel(raw)).toEqual({ ok: true, value }));

  it('refuses a zone wider than price doubling, and garbage', () => {
    expect(parseLevel('100-300').ok).toBe(false);
    expect(parseLevel('1-2-3').ok).toBe(false);
    expect(parseLevel('-').ok).toBe(false);
  });

  it('any two prices make an ordered zone or a clear refusal (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('-', '–', ' - '), (a, b, sep) => {
        const r = parseLevel(`${a}${sep}${b}`);
        if (a === b) expect(r).toEqual({ ok: true, value: a });
        else if (Math.max(a, b) / Math.min(a, b) > 2) expect(r.ok).toBe(false);
        else expect(r).toEqual({ ok: true, value: [Math.min(a, b), Math.max(a, b)] });
      }),
    );
  });
});

describe('assets and windows', () => {
  const known = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE'];
  it('assets are case-insensitive in, upper-case out', () => {
    expect(parseAsset('eth', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('$Sol', known)).toEqual({ ok: true, value: 'SOL' });
    // A unified symbol, as the event files write them, is its base asset.
    expect(parseAsset('ETH/USDT:USDT', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('btc/usdt', known)).toEqual({ ok: true, value: 'BTC' });
  });
  it('a name, a hashtag or a venue pair id is the ticker it means; a listed asset of that name comes first', () => {
    expect(['bitcoin', 'Bitcoin', '#btc', 'BTCUSDT', 'btc-perp', 'xbt'].map((x) => parseAsset(x, known))).toEqual(Array(6).fill({ ok: true, value: 'BTC' }));
    expect(parseAsset('ethereum', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('1000pepeusdt', [...known, '1000PEPE'])).toEqual({ ok: true, value: '1000PEPE' });
    expect(parseAsset('bitcoin', [...known, 'BITCOIN'])).toEqual({ ok: true, value: 'BITCOIN' });
    // A name for an asset the bot does not track is still unknown.
    expect(parseAsset('cardano', known)).toMatchObject({ ok: false, error: 'unknown_asset' });
    expect(parseAsset('usdt', known)).toMatchObject({ ok: false, error: 'unknown_asset' });
  });
  it('several assets at once are answered with one at a time', () => {
    expect(parseAsset('eth,btc', known)).toEqual({ ok: false, error: 'unknown_asset', message: 'One asset at a time: ETH or BTC.' });
    expect(parseAsset('eth, sol + xrp', known)).toMatchObject({ message: 'One asset at a time: ETH, SOL or XRP.' });
    expect(parseAsset('bitcoin,btc,ethereum', known)).toMatchObject({ message: 'One asset at a time: BTC or ETH.' });
  });
  it("a venue's multiplied contract is the first match for the coin a trader types", () => {
    expect(closeMatches('pepe', ['APE', 'DEXE', '1000PEPE', 'MEME'])).toEqual(['1000PEPE', 'APE', 'DEXE']);
    expect(closeMatches('babydoge', ['1MBABYDOGE', 'DOGE'])[0]).toBe('1MBABYDOGE');
  });
  it('an unknown asset lists close matches', () => {
    const r = parseAsset('etj', known);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('Unknown asset "etj". Did you mean ETH?');
    expect(closeMatches('do', known)).toEqual(['DOGE']);
  });
  it('any base asset a venue lists is an asset, Unicode included (Binance lists 币安人生USDT)', () => {
    const listed = [...known, '币安人生', '1000PEPE', 'ÄPFEL'];
    expect(parseAsset('币安人生', listed)).toEqual({ ok: true, value: '币安人生' });
    expect(parseAsset('äpfel', listed)).toEqual({ ok: true, value: 'ÄPFEL' });
    expect(parseAsset('1000pepe', listed)).toEqual({ ok: true, value: '1000PEPE' });
    // Not listed: a clear answer, not a match.
    const r = parseAsset('币安', listed);
    expect(r).toMatchObject({ ok: false, error: 'unknown_asset' });
  });
  it('hostile input is quoted clean and cut short in the answer', () => {
    // What shows nothing is nothing: ETH with a bidi override and a NUL is ETH, and an unknown one is said clean.
    expect(parseAsset('ETH\u202e\u0000', known)).toEqual({ ok: true, value: 'ETH' });
    const bidi = parseAsset('ABC\u202e\u0000', known);
    expect(bidi.ok).toBe(false);
    if (!bidi.ok) expect(bidi.message).toBe('Unknown asset "ABC". Tracked: BTC, ETH, SOL, XRP, DOGE.');
    const r = parseAsset(`<b>${'x'.repeat(500)}\u0007</b>`, known);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message.length).toBeLessThan(120);
      expect(r.message).not.toContain('\u0007');
    }
  });
  it('windows accept the choices and common spellings', () => {
    const w = ['1h', '4h', '12h', '24h', '7d'] as const;
    expect(parseWindow('4H', w, '24h')).toEqual({ ok: true, value: '4h' });
    expect(parseWindow('1d', w, '24h')).toEqual({ ok: true, value: '24h' });
    expect(parseWindow('4 hours', w, '24h')).toEqual({ ok: true, value: '4h' });
    expect(parseWindow('week', w, '24h')).toEqual({ ok: true, value: '7d' });
    expect(parseWindow('Day', w, '24h')).toEqual({ ok: true, value: '24h' });
    expect(parseWindow(undefined, w, '24h')).toEqual({ ok: true, value: '24h' });
    expect(parseWindow('3h', w, '24h').ok).toBe(false);
  });
  it('a chat may ask for any window from 5m to 7d, said back in the largest unit that divides it', () => {
    const w = ['1h', '4h', '12h', '24h', '7d'] as const;
    const any = (raw: string | undefined) => parseAnyWindow(raw, w, '24h');
    expect(any('4h')).toEqual({ ok: true, value: { name: '4h', ms: 14_400_000 } });
    expect(any(undefined)).toEqual({ ok: true, value: { name: '24h', ms: 86_400_000 } });
    expect(any('30m')).toEqual({ ok: true, value: { name: '30m', ms: 1_800_000 } });
    expect(any('90 minutes')).toEqual({ ok: true, value: { name: '90m', ms: 5_400_000 } });
    expect(any('120m')).toEqual({ ok: true, value: { name: '2h', ms: 7_200_000 } });
    expect(any('3 Days')).toEqual({ ok: true, value: { name: '3d', ms: 259_200_000 } });
    // A configured window's length under another name is that window.
    expect(any('168h')).toEqual({ ok: true, value: { name: '7d', ms: 604_800_000 } });
    expect(any('1440m')).toEqual({ ok: true, value: { name: '24h', ms: 86_400_000 } });
    expect(any('2m')).toMatchObject({ ok: false, error: 'out_of_range' });
    expect(any('8d')).toMatchObject({ ok: false, error: 'out_of_range' });
    expect(any('0h')).toMatchObject({ ok: false, error: 'out_of_range' });
    expect(any('99999999999h')).toMatchObject({ ok: false, error: 'bad_window' });
    expect(any('2.5h')).toMatchObject({ ok: true, value: { name: '150m' } });
    const bad = any('<b>4x</b>');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toBe('Unknown window "<b>4x</b>". Use one of 1h, 4h, 12h, 24h, 7d, or any from 5m to 7d like 30m, 2h or 3d.');
  });
});

describe('labels and words', () => {
  it('labels lose their quotes, keep markup verbatim, refuse control characters and 10 KB', () => {
    expect(parseLabel('"prior support"', 60)).toEqual({ ok: true, value: 'prior support' });
    expect(parseLabel('<b>a_b*c</b>', 60)).toEqual({ ok: true, value: '<b>a_b*c</b>' });
    expect(parseLabel('bad\u0000label', 60).ok).toBe(false);
    expect(parseLabel('x'.repeat(10_000), 60)).toMatchObject({ ok: false, error: 'label_too_long' });
  });
  it('a label refuses links and @mentions as a reason does (the bot repeats both in a public group)', () => {
    const refused = { ok: false, error: 'label_link', message: 'A label cannot hold links or @mentions: say it in words.' };
    expect(parseLabel('"join t.me/scam"', 60)).toEqual(refused);
    expect(parseLabel('"@everyone look"', 60)).toEqual(refused);
    expect(parseLabel('"[x](http://evil.com)"', 60)).toEqual(refused);
    expect(parseReason('"see www.example.com"', 140)).toEqual({ ...refused, message: 'A reason cannot hold links or @mentions: say it in words.' });
    expect(parseLabel('"Dec range low, 2.5k"', 60)).toEqual({ ok: true, value: 'Dec range low, 2.5k' });
  });
  it('splitWords keeps quoted phrases together', () => {
    expect(splitWords('add eth 2750-2800 "prior support"')).toEqual(['add', 'eth', '2750-2800', '"prior support"']);
    expect(splitWords('add eth 2350 “cascade low”')).toEqual(['add', 'eth', '2350', '"cascade low"']);
  });
});

describe('prices as traders write them', () => {
  it('whole dollars from $1,000, else the cent or four significant digits, whichever is finer', () => {
    expect([2350, 2351.5, 83172.4].map(price)).toEqual(['$2,350', '$2,352', '$83,172']);
    expect([136, 137.5, 12.345, 1.89, 1.1].map(price)).toEqual(['$136', '$137.50', '$12.35', '$1.890', '$1.100']);
    expect([0.1962, 0.18827, 0.5, 0.00001234].map(price)).toEqual(['$0.1962', '$0.1883', '$0.5000', '$0.00001234']);
  });
});

describe('edges people type', () => {
  it('reads a token as it shows: the direction marks an RTL keyboard adds, zero-width spaces and a pasted BOM are nothing', () => {
    const known = ['BTC', 'ETH'];
    expect(parseAsset('\u200Feth', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('\u202Eeth', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('e\u200Bth', known)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('\uFEFF$btc', known)).toEqual({ ok: true, value: 'BTC' });
    expect(parseAsset('\u200B', known)).toMatchObject({ ok: false, error: 'empty' });
    expect(parsePrice('2\u200B350')).toEqual({ ok: true, value: 2350 });
    expect(parseLevel('\u200E2750-2800\u200E')).toEqual({ ok: true, value: [2750, 2800] });
    expect(parseWindow('4h\u200F', ['1h', '4h'] as const, '1h')).toEqual({ ok: true, value: '4h' });
    expect(parseAnyWindow('\u200F90m', ['1h', '24h'], '24h')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    // A word of nothing visible is no word; a label keeps its emoji's joiners (and parseLabel judges the rest).
    expect(splitWords('eth \u200B 4h')).toEqual(['eth', '4h']);
    expect(splitWords('eth 2350 👨\u200D👩\u200D👧 fam')).toEqual(['eth', '2350', '👨\u200D👩\u200D👧', 'fam']);
  });

  it.each([
    ['-5', 'A price must be above zero; got "-5".'],
    ['-2600', 'A price must be above zero; got "-2600".'],
    ['−2600', 'A price must be above zero; got "−2600".'],
    ['$-5', 'A price must be above zero; got "$-5".'],
    ['-2750-2800', 'A price must be above zero; got "-2750-2800".'],
    ['1e-25', '"1e-25": write the price in digits, like 2350 or 0.000012 (no exponents).'],
    ['2e3', '"2e3": write the price in digits, like 2350 or 0.000012 (no exponents).'],
    ['0.000000001', '"0.000000001" is too small for a price (the smallest is 0.00000001).'],
    ['2750--2800', '"2750--2800" is not a level or zone. Try 2350 or 2750-2800.'],
    ['2750-', '"2750-" is not a level or zone. Try 2350 or 2750-2800.'],
  ])('a level %j is refused, never read without its sign: %s', (raw, message) => {
    expect(parseLevel(raw)).toEqual({ ok: false, error: expect.any(String), message });
  });

  it('a negative price is refused by parsePrice too', () => {
    expect(parsePrice('-5')).toMatchObject({ ok: false, error: 'out_of_range' });
    expect(parsePrice('0.00000001')).toEqual({ ok: true, value: 0.00000001 });
  });

  it.each([
    ['\u3164', 'Hangul filler U+3164'], ['\u2800', 'braille blank U+2800'], ['a\u200bb', 'zero-width space'], ['a\u200db', 'zero-width joiner between letters'],
    ['a\u2060b', 'word joiner'], ['\u202eevil', 'bidi override'], ['x\u115f', 'Hangul choseong filler'], ['x\uffa0', 'halfwidth Hangul filler'], ['a\ufe0fb', 'variation selector on a letter'],
  ])('a label with invisible characters (%j, %s) is refused', (raw) => {
    expect(parseLabel(raw, 60)).toEqual({ ok: false, error: 'label_control_chars', message: 'A label cannot contain control or invisible characters.' });
  });

  it('a label piled with combining marks is refused; accents, scripts and emoji are kept', () => {
    expect(parseLabel(`Z${'\u0335\u0321\u0322'.repeat(10)}`, 60)).toMatchObject({ ok: false, error: 'label_combining_marks' });
    expect(parseLabel('e\u0301\u0302\u0303', 60)).toMatchObject({ ok: false, error: 'label_combining_marks' });
    expect(parseLabel('cafe\u0301 ❤️ 👨‍👩‍👧 日本語 Ünïcödé', 60)).toEqual({ ok: true, value: 'cafe\u0301 ❤️ 👨‍👩‍👧 日本語 Ünïcödé' });
  });

  it('other spaces become plain spaces, and a label of spaces is no label', () => {
    expect(parseLabel('prior\u00a0support', 60)).toEqual({ ok: true, value: 'prior support' });
    expect(parseLabel('\u3000\u2003', 60)).toEqual({ ok: true, value: undefined });
  });

  it('links and mentions are never echoed back, only named', () => {
    const r = parseAsset('t.me/+AbCdEf', ['ETH']);
    expect(r).toEqual({ ok: false, error: 'unknown_asset', message: 'Unknown asset (a link, not repeated). Tracked: ETH.' });
    expect(parseWindow('https://t.me/x', ['24h'], '24h')).toEqual({ ok: false, error: 'bad_window', message: 'Unknown window (a link, not repeated). Use one of 24h.' });
    expect(parseAsset('@scam', ['ETH'])).toMatchObject({ message: 'Unknown asset (a mention, not repeated). Tracked: ETH.' });
    expect(parseAsset('2.35k', ['ETH'])).toMatchObject({ message: 'Unknown asset "2.35k". Tracked: ETH.' });
  });
});
