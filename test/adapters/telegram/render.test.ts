/**
 * Rendering replies for Telegram: one escaper, messages Telegram accepts (checked by the fake's strict HTML
 * parser), every character of user text arriving verbatim, long replies split within 4096 characters with
 * each message filled, and an edit in place shortened saying what it left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAPTION_LIMIT,
  MESSAGE_LIMIT,
  chartCaption,
  escapeHtml,
  fitsIn,
  keyboard,
  renderMessages,
  renderSingle,
  shorten,
} from '../../../src/adapters/telegram/render.js';
import { b, code, replyText, toned, type Line, type Reply, type Span } from '../../../src/replies/reply.js';
import { parseTelegramHtml } from '../../fakes/telegram/html.js';

const visible = (html: string) => parseTelegramHtml(html).text;
const HOSTILE = ['<b>', 'a_b*c', '&amp;', '</i>', '<script>alert(1)</script>', '&', '>', '&lt;', 'x < y > z', '`code`', '[link](http://x)'];

describe('escapeHtml', () => {
  it('escapes exactly <, > and &', () => {
    expect(escapeHtml('<b>a_b*c & &amp; "q" \'s\'</b>')).toBe('&lt;b&gt;a_b*c &amp; &amp;amp; "q" \'s\'&lt;/b&gt;');
  });

  it('round-trips any text through Telegram HTML', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => visible(escapeHtml(s)) === s));
  });
});

describe('renderMessages', () => {
  it('shows the title in bold, fields as bold headings, muted text in italics, code as code', () => {
    const r: Reply = {
      title: ['ETH liquidations · 24h'],
      blocks: [[[b('$506M'), ' liquidated'], [code('/liqs eth'), ' ', toned('muted', 'muted')]]],
      fields: [{ name: 'By exchange', value: [['Bybit $170M']] }],
      footer: [toned('Sources: Bybit', 'muted')],
    };
    const [html] = renderMessages(r);
    expect(html).toBe(
      '<b>ETH liquidations · 24h</b>\n\n<b>$506M</b> liquidated\n<code>/liqs eth</code> <i>muted</i>\n\n<b>By exchange</b>\nBybit $170M\n\n<i>Sources: Bybit</i>',
    );
  });

  it('keeps hostile labels verbatim in every place a label can appear', () => {
    for (const label of HOSTILE) {
      const r: Reply = { title: [label], blocks: [[[b(label), ` ${label} `, code(label)]]], fields: [{ name: label, value: [[label]] }], footer: [toned(label, 'muted')] };
      const text = visible(renderSingle(r));
      expect(text).toBe(`${label}\n\n${label} ${label} ${label}\n\n${label}\n${label}\n\n${label}`);
    }
  });

  it('splits a long reply on block boundaries, each message within 4096 characters', () => {
    const block = (i: number): Line[] => Array.from({ length: 10 }, (_, j) => [`block ${i} line ${j} `, b('x'.repeat(40))]);
    const r: Reply = { title: ['Long'], blocks: Array.from({ length: 30 }, (_, i) => block(i)) };
    const parts = renderMessages(r);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      const text = visible(p);
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      // every message starts a block and ends one
      expect(text).toMatch(/^(Long|block \d+ line 0 )/);
      expect(text).toMatch(/line 9 x{40}$/);
    }
  });

  /** A /levels-like reply: a title, the price, 60 rows of 99 characters (5,999 with their line breaks). */
  const ROW = 99;
  const row = (i: number): Line => [b(`$${1000 + i}`), ` ${'x'.repeat(ROW - 6)}`];
  const levels = (over: Partial<Reply> = {}): Reply => ({
    title: ['ETH levels'],
    blocks: [[['Price $2,644']], Array.from({ length: 60 }, (_, i) => row(i)), [['Holding $2,632 keeps the floor.'], ['Reclaiming $3,000 would invalidate the breakdown.']]],
    footer: [toned('SYNTHETIC demo data · 2026-02-01 00:00 UTC', 'muted')],
    ...over,
  });
  const rowText = (i: number) => `$${1000 + i} ${'x'.repeat(ROW - 6)}`;

  it('fills each message with whole lines: a block longer than the room left continues in the next message', () => {
    const parts = renderMessages(levels()).map(visible);
    expect(parts).toHaveLength(2);
    // Title, price and 40 rows: 10 + 2 + 12 + 2 + 40 × 99 + 39 line breaks; not the title and price alone.
    expect(parts[0]).toHaveLength(4025);
    expect(parts[0]).toBe(`ETH levels\n\nPrice $2,644\n\n${Array.from({ length: 40 }, (_, i) => rowText(i)).join('\n')}`);
    expect(parts[1]!.startsWith(`${rowText(40)}\n`)).toBe(true);
    expect(parts[1]!.endsWith('the breakdown.\n\nSYNTHETIC demo data · 2026-02-01 00:00 UTC')).toBe(true);
  });

  it('edits in place with as much as fits, keeping the closing reading and the footer, and says how many lines it left out', () => {
    const single = visible(renderSingle(levels()));
    const rows = Array.from({ length: 39 }, (_, i) => rowText(i)).join('\n');
    expect(single).toBe(
      `ETH levels\n\nPrice $2,644\n\n${rows}\n… 21 more lines not shown\n\nHolding $2,632 keeps the floor.\nReclaiming $3,000 would invalidate the breakdown.\n\nSYNTHETIC demo data · 2026-02-01 00:00 UTC`,
    );
    expect(single).toHaveLength(4078);
    // One more row and its line break would not fit.
    expect(single.length + ROW + 1).toBeGreaterThan(MESSAGE_LIMIT);
    // A reply that names its command says where the rest is.
    const named = visible(renderSingle(levels({ buttons: [{ label: 'Levels', command: 'levels ETH', active: true }] })));
    expect(named).toContain(`${rowText(38)}\n… 21 more lines: /levels ETH\n\nHolding`);
  });

  it('cuts a single line longer than a message (a 10,000-character label) without losing a character', () => {
    const label = '<&>'.repeat(3_000) + '🙂'.repeat(500);
    const parts = renderMessages({ blocks: [[['Label: ', b(label)]]] });
    expect(parts.length).toBe(3);
    for (const p of parts) expect(visible(p).length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(parts.map(visible).join('')).toBe(`Label: ${label}`);
  });

  it('never sends an empty message', () => {
    expect(renderMessages({ blocks: [] })).toEqual(['…']);
    expect(renderMessages({ blocks: [[['   ']]] })).toEqual(['…']);
  });

  it('renders plain text without markup for the fallback', () => {
    expect(renderMessages({ title: ['<b>'], blocks: [[[b('&')]]] }, MESSAGE_LIMIT, true)).toEqual(['<b>\n\n&']);
  });

  const span: fc.Arbitrary<Span> = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.record({ text: fc.string({ unit: 'binary', maxLength: 300 }), bold: fc.boolean(), code: fc.boolean(), tone: fc.constantFrom(undefined, 'muted' as const, 'long' as const) }),
  );
  const line = fc.array(span, { minLength: 1, maxLength: 4, size: 'max' });
  const reply: fc.Arbitrary<Reply> = fc.record({
    title: fc.option(line, { nil: undefined }),
    blocks: fc.array(fc.array(line, { minLength: 1, maxLength: 20, size: 'max' }), { maxLength: 12, size: 'max' }),
    fields: fc.array(fc.record({ name: fc.string({ maxLength: 40 }), value: fc.array(line, { maxLength: 8, size: 'max' }) }), { maxLength: 4, size: 'max' }),
    footer: fc.option(line, { nil: undefined }),
  });
  const squash = (s: string) => s.replace(/\s+/g, '');

  it('for any reply and limit: Telegram accepts every message, each fits, and no character is lost', () => {
    fc.assert(
      fc.property(reply, fc.constantFrom(MESSAGE_LIMIT, CAPTION_LIMIT, 300, 50), (r, limit) => {
        const parts = renderMessages(r, limit);
        const texts = parts.map(visible);
        for (const t of texts) expect(t.length).toBeLessThanOrEqual(limit);
        if (squash(replyText(r)) !== '') expect(squash(texts.join(''))).toBe(squash(replyText(r)));
        const single = visible(renderSingle(r, limit));
        expect(single.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });
});

describe('shorten', () => {
  it('cuts by whole code points, never leaving half an emoji (a button answer of 200 characters)', () => {
    expect(shorten(`${'a'.repeat(198)}🚀🚀`, 200)).toBe(`${'a'.repeat(198)}…`);
    expect(shorten(`${'a'.repeat(197)}🚀🚀`, 200)).toBe(`${'a'.repeat(197)}🚀…`);
    expect(shorten('short 🚀', 200)).toBe('short 🚀');
  });
});

describe('captions and keyboards', () => {
  it('knows when a reply fits a caption, and captions a separate chart with the title', () => {
    const long: Reply = { title: ['<ETH> chart'], blocks: [[['x'.repeat(2_000)]]] };
    expect(fitsIn(long, CAPTION_LIMIT)).toBe(false);
    expect(fitsIn({ blocks: [[['short']]] }, CAPTION_LIMIT)).toBe(true);
    expect(visible(chartCaption(long))).toBe('<ETH> chart');
    expect(visible(renderSingle(long, CAPTION_LIMIT)).endsWith('…')).toBe(true);
  });

  it('puts each command line in callback_data, marks the active button, leaves out commands over 64 bytes', () => {
    const { markup, dropped } = keyboard([
      { label: '1h', command: 'liqs ETH 1h' },
      { label: '4h', command: 'liqs ETH 4h', active: true },
      { label: 'too long', command: `level add eth 2750 ${'é'.repeat(30)}` },
      { label: '<b>', command: 'liqs ETH 24h' },
      { label: '7d', command: 'liqs ETH 7d' },
      { label: 'all', command: 'liqs all 24h' },
    ]);
    expect(dropped).toHaveLength(1);
    expect(markup?.inline_keyboard).toEqual([
      [
        { text: '1h', callback_data: 'liqs ETH 1h' },
        { text: '• 4h •', callback_data: 'liqs ETH 4h' },
        { text: '<b>', callback_data: 'liqs ETH 24h' },
        { text: '7d', callback_data: 'liqs ETH 7d' },
      ],
      [{ text: 'all', callback_data: 'liqs all 24h' }],
    ]);
    expect(keyboard([]).markup).toBeUndefined();
  });
});
