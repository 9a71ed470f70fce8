/**
 * Telegram's HTML parse mode, as strict as the Bot API documents it: only its tags, properly nested, and
 * `<`, `>`, `&` only as tags or entities (`&lt;` `&gt;` `&amp;` `&quot;` and numeric ones). Returns what a
 * reader sees (the text, with entity offsets in UTF-16 units) or throws the Bot API's "can't parse entities".
 */

const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export interface Entity {
  type: string;
  offset: number;
  length: number;
}

export class HtmlParseError extends Error {}

export function parseTelegramHtml(html: string): { text: string; entities: Entity[] } {
  let text = '';
  const entities: Entity[] = [];
  const open: { name: string; start: number }[] = [];
  const fail = (what: string, at: number): never => {
    throw new HtmlParseError(`can't parse entities: ${what} at byte offset ${Buffer.byteLength(html.slice(0, at))}`);
  };
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) fail('Unclosed start tag', i);
      const inner = html.slice(i + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top || top.name !== name) fail(`Unmatched end tag "${name}"`, i);
        if (text.length > top!.start) entities.push({ type: TAGS[name]!, offset: top!.start, length: text.length - top!.start });
      } else {
        const name = /^([a-z-]+)/i.exec(inner)?.[1]?.toLowerCase() ?? '';
        if (!(name in TAGS)) fail(`Unsupported start tag "${name || inner}"`, i);
        if (name === 'span' && !/class="tg-spoiler"/.test(inner)) fail('Tag "span" must have class "tg-spoiler"', i);
        open.push({ name, start: text.length });
      }
      i = end + 1;
    } else if (c === '&') {
      const m = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-f]{1,6}));/i.exec(html.slice(i, i + 12));
      if (!m) fail('Character "&" is reserved and must be escaped as &amp;', i);
      text += m![1] ? NAMED[m![1].toLowerCase()]! : String.fromCodePoint(m![2] ? Number(m![2]) : parseInt(m![3]!, 16));
      i += m![0].length;
    } else if (c === '>') {
      fail('Character ">" is reserved and must be escaped as &gt;', i);
    } else {
      text += c;
      i++;
    }
  }
  if (open.length) fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.name}"`, html.length);
  return { text, entities };
}
