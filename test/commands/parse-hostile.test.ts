/**
 * What a hostile or careless member types, read safely: a label or reason never carries a link or a mention (nor does
 * the answer that refuses it), and a price with a k/m/b suffix is the number typed, exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { parseAsset, parseLabel, parseLevel, parsePrice, parseReason, parseUsd, parseWindow, quote } from '../../commands/parse.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

const refusedLabel = { ok: false, error: 'label_link', message: 'A label cannot hold links or @mentions: say it in words.' };

describe('labels and reasons hold no link or mention', () => {
  it.each([
    'buy at scam.com now',
    'see scam.io.',
    'x.com!',
    'pump.fun today',
    'BIT.LY now',
    'ＳＣＡＭ．ＣＯＭ now',
    'tg://resolve?domain=scam',
    'ftp://files.example',
    'mailto:a@b.cc',
    'a@scam.io',
  ])('a link in the text is refused: %s', (s) => {
    expect(parseLabel(s, 60)).toEqual(refusedLabel);
    expect(parseReason(s, 140)).toEqual({ ...refusedLabel, message: 'A reason cannot hold links or @mentions: say it in words.' });
  });

  it.each(['join (@scam_bot) now', 'dm:@whale_signals', '@@scam', 'ping @everyone', '<@123456789012345678> pump'])(
    'a mention anywhere is refused: %s',
    (s) => {
      expect(parseLabel(s, 60)).toEqual(refusedLabel);
    },
  );

  it.each([
    '2.5k', 'prior low (Jan 27)', 'ETH/BTC', '4h close', 'wick to 2,300', 'v2.0', 'a.m. open', 'e.g. the wick', '$3k', '0.95',
    'ATH', 'S/R flip', '🚀 ❤️ 👨‍👩‍👧 zone', 'BTC.D top', 'U.S. open', 'entry @2300', 'TP: 2400', 'support...retest', 'Dec range low, 2.5k',
  ])('a trader word is no link: %s', (s) => {
    expect(parseLabel(s, 60)).toEqual({ ok: true, value: s });
  });

  it('an answer that refuses a token names a link or mention and never repeats it', () => {
    expect(quote('x.com!')).toBe('(a link, not repeated)');
    expect(quote('pump.fun')).toBe('(a link, not repeated)');
    // Judged on what shows: a zero-width space inside the domain hides nothing.
    expect(quote('x\u200B.com')).toBe('(a link, not repeated)');
    expect(quote('(@scam_bot)')).toBe('(a mention, not repeated)');
    expect(quote('2.35k')).toBe('"2.35k"');
    expect(parseAsset('x.com!', ['ETH'])).toEqual({ ok: false, error: 'unknown_asset', message: 'Unknown asset (a link, not repeated). Tracked: ETH.' });
    expect(parseWindow('tg://resolve', ['24h'], '24h')).toEqual({ ok: false, error: 'bad_window', message: 'Unknown window (a link, not repeated). Use one of 24h.' });
    const price = parsePrice('scam.io');
    expect(price.ok).toBe(false);
    if (!price.ok) expect(price.message).not.toMatch(/scam/i);
  });
});

describe('prices with a suffix are the number typed', () => {
  it.each([
    ['64.1k', 64_100],
    ['2.01k', 2_010],
    ['2.03k', 2_030],
    ['4.07k', 4_070],
    ['1.5m', 1_500_000],
    ['0.95', 0.95],
    ['2,350.5k', 2_350_500],
    ['.5k', 500],
    ['2.0355k', 2_035.5],
    ['$0.000012', 0.000012],
  ])('%s is %d exactly', (typed, value) => {
    expect(parsePrice(typed)).toEqual({ ok: true, value });
  });

  it('8.03k to 8.19k are 8030 to 8190 exactly', () => {
    const typed = ['8.03k', '8.04k', '8.05k', '8.06k', '8.07k', '8.08k', '8.09k', '8.10k', '8.11k', '8.12k', '8.13k', '8.14k', '8.15k', '8.16k', '8.17k', '8.18k', '8.19k'];
    const expected = [8030, 8040, 8050, 8060, 8070, 8080, 8090, 8100, 8110, 8120, 8130, 8140, 8150, 8160, 8170, 8180, 8190];
    expect(typed.map((t) => parsePrice(t))).toEqual(expected.map((value) => ({ ok: true, value })));
    expect(parseLevel('8.03k-8.19k')).toEqual({ ok: true, value: [8030, 8190] });
  });

  it('2,35k stays a clear refusal, naming both readings', () => {
    expect(parsePrice('2,35k')).toEqual({ ok: false, error: 'ambiguous_number', message: '"2,35k" is ambiguous: write 2.35k (decimal point) or a whole number like 2350.' });
  });

  it('a word that only starts like a decimal comma is not echoed back as a suggestion (no link, no mention)', () => {
    for (const typed of ['1,2.3.scam.com', '1,2.3@scambot', '1,2.3/t.me/x']) {
      for (const r of [parsePrice(typed), parseLevel(typed), parseUsd(typed)]) {
        expect(r.ok).toBe(false);
        const said = r.ok ? '' : r.message;
        expect(said).not.toMatch(/scam|t\.me|@/);
        expect(said).not.toContain('ambiguous');
      }
    }
  });
});

describe('prices are read as assets and windows are', () => {
  it.each([
    ['"2350"', 2350], ['“2,350”', 2350], ["'2.35k'", 2350], ['２３５０', 2350], ['＄２，３５０', 2350], ['２．３５ｋ', 2350],
  ])('%s is a price: one pair of quotes off, full-width folded', (typed, value) => {
    expect(parsePrice(typed)).toEqual({ ok: true, value });
  });

  it('a quoted or full-width zone is a zone', () => {
    expect(parseLevel('"2750-2800"')).toEqual({ ok: true, value: [2750, 2800] });
    expect(parseLevel('２７５０－２８００')).toEqual({ ok: true, value: [2750, 2800] });
  });

  it('a refusal echoes what was typed inside the quotes, once', () => {
    expect(parsePrice('"abc"')).toEqual({ ok: false, error: 'bad_number', message: '"abc" is not a price. Try 2350, 2,350 or 2.35k.' });
    expect(parseLevel('"2750--2800"')).toEqual({ ok: false, error: 'bad_zone', message: '"2750--2800" is not a level or zone. Try 2350 or 2750-2800.' });
    expect(parsePrice('""')).toMatchObject({ ok: false, error: 'empty' });
  });

  it('a superscript or circled digit is no digit, though NFKC would fold it into one', () => {
    expect(parsePrice('2350²')).toEqual({ ok: false, error: 'bad_number', message: '"2350²" is not a price. Try 2350, 2,350 or 2.35k.' });
    expect(parseLevel('2350-2400²').ok).toBe(false);
    expect(parsePrice('①')).toMatchObject({ ok: false, error: 'bad_number' });
  });
});

describe('a dollar amount (/alerts min) says why it is refused, and the range', () => {
  const range = 'A minimum goes from $1 to $1B, or 0 for any size.';
  it.each([
    ['$5M', 5e6], ['500k', 5e5], ['$1.5M', 1.5e6], ['2,500,000', 2.5e6], ['$1B', 1e9], ['"$5M"', 5e6], ['＄５Ｍ', 5e6], ['$1', 1],
    ['0', 0], ['$0', 0], ['$0.00', 0], ['any', 0],
  ])('%s is %d', (typed, value) => {
    expect(parseUsd(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ['2B', 'out_of_range', `"2B" is more than $1B: no cascade would be posted. ${range}`],
    ['$1.5B', 'out_of_range', `"$1.5B" is more than $1B: no cascade would be posted. ${range}`],
    ['1e9', 'bad_number', '"1e9": write the amount with K, M or B, like $5M or $1B (no exponents).'],
    ['-5M', 'out_of_range', `"-5M" is below zero. ${range}`],
    ['$0.50', 'out_of_range', `"$0.50" is less than a dollar. ${range}`],
    ['2,5M', 'ambiguous_number', '"2,5M" is ambiguous: write $2.5M (decimal point).'],
    ['lots', 'bad_number', '"lots" is not a dollar amount. Try $5M, $500K or 0 for any size.'],
    ['', 'empty', `How many dollars? ${range}`],
  ])('%s is refused: %s', (typed, error, message) => {
    expect(parseUsd(typed)).toEqual({ ok: false, error, message });
  });
});

describe('a level added as 2.03k is the level 2030', () => {
  let services: Services;
  beforeAll(async () => {
    const run = await runFile(BUNDLED, loadConfig());
    services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
  });
  let tick = 0;
  const text = async (line: string) => {
    // Each command a minute apart, so the fair-use budget stays out of the way.
    const ctx: CommandContext = { chat: { key: 'telegram:-4242', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: services.now() + ++tick * 61_000, services };
    return replyText(await runCommandLine(line, ctx));
  };

  it('removed by /level remove eth 2030, and never doubled by /level add eth 2030', async () => {
    expect(await text('/level add eth 2.03k "from 2.03k"')).toContain('Watching ETH $2,030 from 2.03k');
    expect(await text('/level add eth 2030 "typed 2030"')).not.toContain('Watching ETH $2,030 typed 2030');
    expect(services.market.levels.all().filter((l) => l.chat === 'telegram:-4242').map((l) => [l.id, l.level])).toEqual([['telegram:-4242:ETH@2030', 2030]]);
    expect(await text('/level remove eth 2030')).toContain('Removed ETH $2,030');
    expect(services.market.levels.all().filter((l) => l.chat === 'telegram:-4242')).toEqual([]);
  });
});
