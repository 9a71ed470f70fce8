/**
 * Reply → Discord message: the one escaper (user and exchange text is never markdown, a link or a mention),
 * colours by tone, Discord's size limits, buttons as command lines, the chart as `attachment://`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, TONE_COLOURS, clip, escapeMarkdown, renderButtons, renderImage, renderLine, toDiscordMessage } from '../../../src/adapters/discord/render.js';
import type { Reply } from '../../../src/replies/reply.js';

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

  it("keeps within Discord's limits: 4096 description, 25 fields of 1024, 6000 in all", () => {
    const long = Array.from({ length: 400 }, (_, i) => [[`line ${i} with some words *`]]);
    const fields = Array.from({ length: 30 }, (_, i) => ({ name: `field ${i}`, value: Array.from({ length: 80 }, () => ['value text __']) }));
    const e = toDiscordMessage(reply({ blocks: long.map((l) => l), fields, footer: ['f'.repeat(3000)] })).embeds[0]!;
    expect(e.description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(e.description!.endsWith('…')).toBe(true);
    expect(e.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields!) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    const total = (e.title?.length ?? 0) + e.description!.length + (e.footer?.text.length ?? 0) + e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  });

  it('never cuts an escape in half', () => {
    expect(clip('ab\\*cd', 4)).toBe('ab…');
    expect(clip('ab\\\\cd', 5)).toBe('ab\\\\…');
  });

  it('shows the chart as the embed image through attachment://', async () => {
    const image = await renderImage({ render: async () => new Uint8Array([1, 2, 3]), width: 1, height: 1, alt: 'ETH 24h', filename: 'eth 24h?.png' });
    const m = toDiscordMessage(reply(), image);
    expect(m.image).toMatchObject({ name: 'eth_24h_.png', description: 'ETH 24h' });
    expect(m.embeds[0]!.image).toEqual({ url: 'attachment://eth_24h_.png' });
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

  it('leaves out a button whose command would not fit in 100 characters, and a repeated one', () => {
    const rows = renderButtons([
      { label: 'long', command: `level add eth 2750-2800 "${'x'.repeat(90)}"` },
      { label: 'a', command: 'liqs ETH 4h' },
      { label: 'b', command: 'liqs ETH 4h' },
    ]);
    expect(rows.flatMap((r) => r.components.map((c) => c.custom_id))).toEqual(['liqs ETH 4h']);
  });
});
