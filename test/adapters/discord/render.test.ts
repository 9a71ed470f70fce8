/**
 * Reply → Discord message: the one escaper (user and exchange text is never markdown, a link or a mention),
 * colours by tone, Discord's size limits (a long reply continued in further embeds, and what still cannot fit
 * said), buttons as command lines, the chart as `attachment://`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { LIMITS, TONE_COLOURS, clip, escapeMarkdown, renderButtons, renderImage, renderLine, toDiscordMessage } from '../../../src/adapters/discord/render.js';
import type { Line, Reply, Span } from '../../../src/replies/reply.js';

/** What Discord shows for escaped text: a backslash before punctuation is consumed. */
const shown = (s: string) => s.replace(/\\([^A-Za-z0-9\s])/g, '$1');
/** Characters that start markdown, links or mentions, left unescaped in `s`. */
function unescaped(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if ('*_~`|[]<@>#-()'.includes(s[i]!)) out.push(s[i]!);
  }
  return out;
}

describe('escapeMarkdown', () => {
  it('shows any text exactly as it was, with no markdown character left unescaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab1 *_~`|[]()<>@#-:/.\\\n'.split('')) }), (s) => {
        const out = escapeMarkdown(s);
        expect(shown(out)).toBe(s);
        expect(unescaped(out)).toEqual([]);
      }),
    );
  });

  it('defuses mentions, links, spoilers, headers, lists and bare URLs', () => {
    expect(escapeMarkdown('@everyone <@123456789012345678> <#1> <t:1:R>')).toBe('\\@everyone \\<\\@123456789012345678\\> \\<\\#1\\> \\<t:1:R\\>');
    expect(escapeMarkdown('[win](https://x.io) ||spoiler||')).toBe('\\[win\\]\\(https\\://x.io\\) \\|\\|spoiler\\|\\|');
    expect(escapeMarkdown('# big\n- item\n1. first\n> quote')).toBe('\\# big\n\\- item\n1\\. first\n\\> quote');
  });

  it('leaves ordinary prices and times readable', () => {
    expect(escapeMarkdown('$2,571 · 14:55 · −14%')).toBe('$2,571 · 14:55 · −14%');
  });
});

describe('spans', () => {
  it('bolds with the spaces outside the markers, and keeps code spans literal', () => {
    expect(renderLine([{ text: ' $506M ', bold: true }, 'liquidated'])).toBe(' **$506M** liquidated');
    expect(renderLine([{ text: '/liqs eth `4h`', code: true }])).toBe('`/liqs eth ˋ4hˋ`');
    expect(renderLine([{ text: 'OKX*', bold: true }])).toBe('**OKX\\***');
  });
});

describe('toDiscordMessage', () => {
  const reply = (over: Partial<Reply> = {}): Reply => ({ title: ['ETH liquidations · 24h'], blocks: [[['a line']]], ...over });

  it('colours by tone: longs red, shorts green, errors amber, info blurple, neutral grey', () => {
    for (const tone of ['long', 'short', 'error', 'info', 'neutral'] as const) {
      expect(toDiscordMessage(reply({ tone })).embeds[0]!.color).toBe(TONE_COLOURS[tone]);
    }
    expect(TONE_COLOURS.long).toBe(0xe5484d);
    expect(TONE_COLOURS.short).toBe(0x2fb171);
    expect(toDiscordMessage(reply()).embeds[0]!.color).toBe(TONE_COLOURS.neutral);
  });

  it('puts blocks in the description, fields as fields, the footer as plain text (Discord shows footers raw)', () => {
    const m = toDiscordMessage(
      reply({
        blocks: [[['one'], ['two']], [['three']]],
        fields: [{ name: 'By exchange', value: [['**Bybit**']], inline: true }],
        footer: ['Sources: OKX* · *sampled'],
        ephemeral: true,
      }),
    );
    const e = m.embeds[0]!;
    expect(e.description).toBe('one\ntwo\n\nthree');
    expect(e.fields).toEqual([{ name: 'By exchange', value: '\\*\\*Bybit\\*\\*', inline: true }]);
    expect(e.footer).toEqual({ text: 'Sources: OKX* · *sampled' });
    expect(m.ephemeral).toBe(true);
  });

  /** Characters an embed counts against the message's 6000. */
  const size = (e: APIEmbed) => (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  function expectWithinLimits(embeds: APIEmbed[]): void {
    expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
    expect(embeds.reduce((n, e) => n + size(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
    for (const e of embeds) {
      expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
      expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footer);
      expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of e.fields ?? []) {
        expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      }
      expect(JSON.stringify(e)).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
      for (const text of [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]) expect(lone.test(text ?? '')).toBe(false);
    }
  }

  it("keeps within Discord's limits: 4096 a description, 25 fields of 1024, 6000 in all, saying what it left out", () => {
    const long = Array.from({ length: 400 }, (_, i) => [[`line ${i} with some words *`]]);
    const fields = Array.from({ length: 30 }, (_, i) => ({ name: `field ${i}`, value: Array.from({ length: 80 }, () => ['value text __']) }));
    const m = toDiscordMessage(reply({ blocks: long.map((l) => l), fields, footer: ['f'.repeat(3000)] }));
    expectWithinLimits(m.embeds);
    const text = m.embeds.map((e) => `${e.description ?? ''}\n${(e.fields ?? []).map((f) => f.value).join('\n')}`).join('\n');
    expect(text).toMatch(/^\*… \d+ more lines not shown \(too long for Discord\)\*$/m);
    expect(text).toMatch(/^\*… \d+ more fields not shown \(too long for Discord\)\*$/m);
  });

  it('when fields alone fill the 6000 characters, keeps room for the line saying how many were left out', () => {
    // Seven fields of exactly 1,000 characters and nothing else: six would fill the message to the character.
    const fields = Array.from({ length: 7 }, (_, i) => ({ name: `field ${i}`.padEnd(100, 'n'), value: [['v'.repeat(900)]] }));
    const m = toDiscordMessage({ blocks: [], fields });
    expectWithinLimits(m.embeds);
    expect(m.embeds).toHaveLength(1);
    expect(m.embeds[0]!.fields).toHaveLength(5);
    expect(m.embeds[0]!.description).toBe('*… 2 more fields not shown (too long for Discord)*');
    // With a title and a footer the same holds: whatever they take, the note still fits.
    const titled = toDiscordMessage({ title: ['t'.repeat(256)], blocks: [], fields, footer: ['f'.repeat(512)] });
    expectWithinLimits(titled.embeds);
    expect(titled.embeds[0]!.description).toMatch(/^\*… \d more fields not shown \(too long for Discord\)\*$/);
  });

  /** A /levels-like reply: the price, rows of 99 characters, a closing reading. */
  const row = (i: number) => `L${1000 + i} ${'x'.repeat(93)}`;
  const levels = (rows: number): Reply => ({
    title: ['ETH levels'],
    blocks: [[['Price 2644']], Array.from({ length: rows }, (_, i) => [row(i)]), [['Holding 2632 keeps the floor.']]],
    footer: ['SYNTHETIC demo data'],
  });

  it('continues blocks that do not fit one description in a second embed of the same message, the reading and footer last', () => {
    const m = toDiscordMessage(levels(47));
    expectWithinLimits(m.embeds);
    expect(m.embeds).toHaveLength(2);
    const [first, second] = m.embeds as [APIEmbed, APIEmbed];
    expect(first.title).toBe('ETH levels');
    // The price and 40 rows (12 + 40 × 99 + 39 line breaks), then the other 7 rows and the reading.
    expect(first.description).toBe(`Price 2644\n\n${Array.from({ length: 40 }, (_, i) => row(i)).join('\n')}`);
    expect(second.description).toBe(`${Array.from({ length: 7 }, (_, i) => row(40 + i)).join('\n')}\n\nHolding 2632 keeps the floor.`);
    expect(second.color).toBe(first.color);
    expect(second.footer).toEqual({ text: 'SYNTHETIC demo data' });
    expect(first.footer).toBeUndefined();
  });

  it('when the message cannot hold every line, leaves out rows of the longest block and says how many, on a line of its own', () => {
    const m = toDiscordMessage(levels(80));
    expectWithinLimits(m.embeds);
    const text = m.embeds.map((e) => e.description).join('\n');
    // 58 rows fit the 5,971 characters left by the title and footer with the note: 22 are left out, not the reading.
    expect(text).toContain(`${row(57)}\n*… 22 more lines not shown (too long for Discord)*\n\nHolding 2632 keeps the floor.`);
    expect(text).not.toContain(row(58));
    expect(m.embeds.at(-1)!.footer).toEqual({ text: 'SYNTHETIC demo data' });
  });

  it('shows a title longer than 256 characters whole as the description\'s first line', () => {
    const title = '⬆️ BTC reclaimed $109,400–109,600, $109,700–109,900, $110,000–110,200, $110,300–110,500, $110,600–110,800, $110,900–111,100, $111,200–111,400, $111,500–111,700, $111,800–112,000, $112,100–112,300, $112,400–112,600, $112,700–112,900, $113,000–113,200 and $113,300–113,500; $412M shorts liquidated in the last hour';
    const e = toDiscordMessage(reply({ title: [title], blocks: [[['15m close $113,704']]] })).embeds[0]!;
    expect(e.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(e.title!.endsWith('…')).toBe(true);
    expect(title.startsWith(e.title!.slice(0, -1))).toBe(true);
    expect(e.description).toBe(`${title}\n\n15m close $113,704`);
  });

  it('keeps the end of a long footer (the synthetic-data disclaimer and the time), leaving out its middle', () => {
    const stretches = Array.from({ length: 70 }, (_, i) => `${String(i % 24).padStart(2, '0')}:00–${String(i % 24).padStart(2, '0')}:05`).join(', ');
    const footer = `Sources: Bybit · liquidation prints in this window: ${stretches} · SYNTHETIC demo data · 2026-03-08 05:35 UTC`;
    const text = toDiscordMessage(reply({ footer: [footer] })).embeds[0]!.footer!.text;
    expect(text.length).toBeLessThanOrEqual(512);
    expect(text.startsWith('Sources: Bybit · liquidation prints in this window: 00:00–00:05, 01:00–01:05, ')).toBe(true);
    expect(text.endsWith(' … · SYNTHETIC demo data · 2026-03-08 05:35 UTC')).toBe(true);
  });

  const unit = fc.constantFrom(...'ab1 *_~`|[]()<>@#-:/.\\'.split(''), '🚀', 'é', 'ש');
  const span: fc.Arbitrary<Span> = fc.oneof(
    fc.string({ unit, maxLength: 200 }),
    fc.record({ text: fc.string({ unit, maxLength: 200 }), bold: fc.boolean(), code: fc.boolean() }),
  );
  const line: fc.Arbitrary<Line> = fc.array(span, { minLength: 1, maxLength: 3, size: 'max' });
  const anyReply: fc.Arbitrary<Reply> = fc.record({
    title: fc.option(fc.array(span, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    blocks: fc.array(fc.array(line, { minLength: 1, maxLength: 40, size: 'max' }), { maxLength: 8, size: 'max' }),
    fields: fc.array(fc.record({ name: fc.string({ unit, maxLength: 300 }), value: fc.array(line, { maxLength: 12, size: 'max' }) }), { maxLength: 30, size: 'max' }),
    footer: fc.option(fc.array(fc.string({ unit, maxLength: 2500 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  });

  it('for any reply: every limit holds across the embeds, no emoji is split, and nothing is lost unless said', () => {
    fc.assert(
      fc.property(anyReply, (r) => {
        const m = toDiscordMessage(r);
        expectWithinLimits(m.embeds);
        const text = m.embeds.map((e) => `${e.description ?? ''}\n${(e.fields ?? []).map((f) => f.value).join('\n')}`).join('\n');
        if (!/not shown \(too long for Discord\)/.test(text)) {
          for (const l of r.blocks.flat()) expect(text).toContain(renderLine(l));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never cuts an escape in half', () => {
    expect(clip('ab\\*cd', 4)).toBe('ab…');
    expect(clip('ab\\\\cd', 5)).toBe('ab\\\\…');
  });

  it('never cuts an emoji in half', () => {
    expect(clip(`${'a'.repeat(10)}🚀🚀`, 12)).toBe(`${'a'.repeat(10)}…`);
  });

  it('shows the chart as the embed image through attachment://', async () => {
    const image = await renderImage({ render: async () => new Uint8Array([1, 2, 3]), width: 1, height: 1, alt: 'ETH 24h', filename: 'eth 24h?.png' });
    const m = toDiscordMessage(reply(), image);
    expect(m.image).toMatchObject({ name: 'eth_24h_.png', description: 'ETH 24h' });
    expect(m.embeds[0]!.image).toEqual({ url: 'attachment://eth_24h_.png' });
  });

  it('cuts a chart description of over 1024 characters without splitting an emoji', async () => {
    const image = await renderImage({ render: async () => new Uint8Array([1]), width: 1, height: 1, alt: `${'a'.repeat(1023)}🚀`, filename: 'x.png' });
    expect(image!.description).toBe(`${'a'.repeat(1023)}…`);
  });

  it('sends the reply without a chart that fails to render', async () => {
    expect(await renderImage({ render: async () => Promise.reject(new Error('no font')), width: 1, height: 1, alt: '', filename: 'x.png' })).toBeUndefined();
  });
});

describe('renderButtons', () => {
  it("uses the command line as custom_id, primary for the current window, five to a row", () => {
    const rows = renderButtons(['1h', '4h', '12h', '24h', '7d', '30d', '90d'].map((w) => ({ label: w, command: `liqs ETH ${w}`, active: w === '24h' })));
    expect(rows.map((r) => r.components.length)).toEqual([5, 2]);
    expect(rows[0]!.components[3]).toEqual({ type: 2, style: 1, label: '24h', custom_id: 'liqs ETH 24h' });
    expect(rows[0]!.components[0]!.style).toBe(2);
  });

  it('cuts a label over 80 characters by whole code points, ending in "…"', () => {
    const [row] = renderButtons([{ label: `${'a'.repeat(79)}🚀`, command: 'liqs ETH 4h' }]);
    expect(row!.components[0]!.label).toBe(`${'a'.repeat(79)}…`);
  });

  it('leaves out a button whose command would not fit in 100 characters, and a repeated one', () => {
    const rows = renderButtons([
      { label: 'long', command: `level add eth 2750-2800 "${'x'.repeat(90)}"` },
      { label: 'a', command: 'liqs ETH 4h' },
      { label: 'b', command: 'liqs ETH 4h' },
    ]);
    expect(rows.flatMap((r) => r.components.map((c) => c.custom_id))).toEqual(['liqs ETH 4h']);
  });
});
