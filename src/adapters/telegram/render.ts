/**
 * Renders neutral replies as Telegram messages: HTML parse mode (bold title, bold/code/italic spans, fields
 * as bold headings), an inline keyboard whose buttons carry their command line as callback_data, and the
 * splitting that keeps every message within Telegram's limits (4096 characters of text, 1024 of caption,
 * counted after entity parsing), in at most three messages a reply. Every piece of user or exchange text goes
 * through `escapeHtml`, the adapter's one escaper, so a label like `<b>` or `a_b*c` arrives verbatim and never
 * breaks a message.
 */
import type { Button, Line, Reply, Span } from '../../replies/reply.js';
import { fitSections, leftOutWords, sectionsLength } from '../fit.js';

/** Telegram's limits on one message, in characters (UTF-16 code units) of visible text. */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
/** callback_data is at most 64 bytes (UTF-8). */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Buttons per keyboard row: four fit a phone screen. */
const BUTTONS_PER_ROW = 4;

/** The one escaper: in HTML parse mode only `<`, `>` and `&` are special. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** A run of text with its markup; `text` is raw (unescaped) so its length is what Telegram counts. */
interface Piece {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
}
type RLine = Piece[];
/** A title, a block, a field or the footer: splitting prefers these boundaries. */
type Section = RLine[];

function piece(s: Span, bold = false): Piece {
  if (typeof s === 'string') return bold ? { text: s, bold } : { text: s };
  const p: Piece = { text: s.text };
  if (s.bold || bold) p.bold = true;
  if (s.code) p.code = true;
  if (s.tone === 'muted') p.italic = true;
  return p;
}

const rline = (l: Line, bold = false): RLine => l.map((s) => piece(s, bold));

function sectionsOf(r: Reply): Section[] {
  const out: Section[] = [];
  if (r.title) out.push([rline(r.title, true)]);
  for (const block of r.blocks) out.push(block.map((l) => rline(l)));
  for (const f of r.fields ?? []) out.push([[{ text: f.name, bold: true }], ...f.value.map((l) => rline(l))]);
  if (r.footer) out.push([rline(r.footer)]);
  return out.filter((s) => s.length > 0);
}

function pieceHtml(p: Piece, plain = false): string {
  if (p.text === '' || plain) return p.text;
  let h = escapeHtml(p.text);
  if (p.code) h = `<code>${h}</code>`;
  if (p.italic) h = `<i>${h}</i>`;
  if (p.bold) h = `<b>${h}</b>`;
  return h;
}

const lineLength = (l: RLine) => l.reduce((n, p) => n + p.text.length, 0);
const lineHtml = (l: RLine, plain = false) => l.map((p) => pieceHtml(p, plain)).join('');

/** Cut `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): [string, string] {
  let at = Math.min(max, text.length);
  const c = text.charCodeAt(at - 1);
  if (at < text.length && c >= 0xd800 && c <= 0xdbff) at--;
  return [text.slice(0, at), text.slice(at)];
}

/** `text` in at most `max` characters, ending in "…" when cut, never splitting a surrogate pair (an emoji). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${cut(text, max - 1)[0]}…`;
}

/**
 * Break one over-long line into lines of at most `limit` characters (a 10,000-character label, say), the first of
 * at most `first` (the room left in the message it starts in).
 */
function breakLine(l: RLine, limit: number, first = limit): RLine[] {
  const out: RLine[] = [];
  let cur: RLine = [];
  let room = first;
  for (const p of l) {
    let rest = p.text;
    while (rest.length > 0) {
      if (room === 0) {
        if (cur.length) out.push(cur);
        cur = [];
        room = limit;
      }
      const [head, tail] = cut(rest, room);
      if (head.length === 0) {
        if (cur.length === 0 && room === limit) {
          // A limit of one character cannot hold a surrogate pair: let the pair through whole.
          cur.push({ ...p, text: rest.slice(0, 2) });
          rest = rest.slice(2);
          room = 0;
        } else room = 0; // only the first half of a pair fits here: start a new line
        continue;
      }
      cur.push({ ...p, text: head });
      room -= head.length;
      rest = tail;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** A message being filled: its HTML and how many visible characters it has. */
class Message {
  html = '';
  length = 0;
  add(sep: string, html: string, length: number): void {
    if (this.length > 0 || this.html !== '') {
      this.html += sep;
      this.length += sep.length;
    }
    this.html += html;
    this.length += length;
  }
}

/**
 * The reply as HTML messages of at most `limit` visible characters each, each filled as far as it goes: a block
 * that does not fit continues in the next message, split between lines (a short one starts the next message
 * whole when this one is already half full), and only a single line longer than a message is cut inside. Tags
 * and entities are made per piece of a line, so no cut falls inside one. Never returns an empty list; as many
 * messages as the reply takes (`replyMessages` caps them).
 * `plain`: the same messages as plain text with no markup (for a send without parse mode).
 */
export function renderMessages(r: Reply, limit = MESSAGE_LIMIT, plain = false): string[] {
  return messagesOf(sectionsOf(r), limit, plain).map((m) => m.html);
}

function messagesOf(sections: Section[], limit: number, plain: boolean): Message[] {
  const html = (lines: RLine[]) => lines.map((l) => lineHtml(l, plain)).join('\n');
  const parts: Message[] = [];
  let cur = new Message();
  const flush = () => {
    if (cur.length > 0) parts.push(cur);
    cur = new Message();
  };
  const add = (between: string, line: RLine) => {
    const n = lineLength(line);
    if (cur.length > 0 && cur.length + between.length + n > limit) flush();
    cur.add(between, lineHtml(line, plain), n);
  };
  for (const section of sections) {
    const total = sectionLength(section);
    const sep = cur.length > 0 ? 2 : 0;
    if (cur.length + sep + total <= limit) {
      cur.add('\n\n', html(section), total);
      continue;
    }
    // A block that fits a message starts the next one whole once this one is half full; before that it is split.
    if (total <= limit && cur.length >= limit / 2) {
      flush();
      cur.add('', html(section), total);
      continue;
    }
    // Line by line, from where this message is: whole lines, and a line longer than a message fills the room left.
    section.forEach((line, i) => {
      const between = i === 0 ? '\n\n' : '\n';
      if (lineLength(line) > limit) {
        const room = cur.length > 0 ? limit - cur.length - between.length : limit;
        if (room <= 0) flush();
        for (const l of breakLine(line, limit, room > 0 ? room : limit)) add(between, l);
      } else add(between, line);
    });
  }
  flush();
  const out = parts.filter((m) => m.html.trim() !== '');
  if (out.length) return out;
  // Telegram refuses an empty message; a reply with nothing to say still says something.
  cur.add('', '…', 1);
  return [cur];
}

/**
 * The most messages one reply posts: a list of hundreds of levels would otherwise flood the group for a page of
 * screens, and spend the bot's sending budget that the other chats share.
 */
export const MAX_MESSAGES = 3;

/**
 * The messages a reply is posted as, at most `most`: the whole reply when it fits, else shortened as a Discord
 * message is (`fitSections`: lines go from the end of the longest parts, the title and the footer stay), the
 * shortened part saying on a line of its own how many lines it left out and why. Only a reply of single lines each
 * longer than a message is cut after its `most`th message, which then ends saying the rest was left out.
 */
export function replyMessages(r: Reply, plain = false, most = MAX_MESSAGES, limit = MESSAGE_LIMIT): string[] {
  const sections = sectionsOf(r);
  const html = (messages: Message[]) => messages.map((m) => m.html);
  const whole = messagesOf(sections, limit, plain);
  if (whole.length <= most) return html(whole);
  // The chart sent apart from a long text is one of the messages: the reader counts it too.
  const why = `a reply here is at most ${MAX_MESSAGES} messages`;
  const note = (lines: number): RLine => [{ text: leftOutWords(lines, 'line', why), italic: true }];
  // Splitting between whole lines leaves room unused at the end of a message: less room by what spilled over (a
  // line at least), until the parts fit.
  for (let room = most * limit; room >= limit; ) {
    const out = messagesOf(fitSections(sections, room, lineLength, note), limit, plain);
    if (out.length <= most) return html(out);
    room -= Math.max(limit / 32, out.slice(most).reduce((n, m) => n + m.length, 0));
  }
  const end: RLine = [{ text: `… the rest not shown (${why})`, italic: true }];
  const cut = html(messagesOf(sections, limit - lineLength(end) - 2, plain));
  return cut.length <= most ? cut : [...cut.slice(0, most - 1), `${cut[most - 1]!}\n\n${lineHtml(end, plain)}`];
}

/**
 * The reply as one message of at most `limit` characters (an edit in place, a caption), shortened when the whole
 * does not fit as `shortened` says. Only when that cannot fit (a single line longer than the message) is it cut at
 * the limit, ending in "…".
 */
export function renderSingle(r: Reply, limit = MESSAGE_LIMIT): string {
  const whole = renderMessages(r, limit);
  if (whole.length === 1) return whole[0]!;
  return shortened(r, limit) ?? `${renderMessages(r, limit - 2)[0]!}\n…`;
}

const sectionLength = (s: Section) => sectionsLength([s], lineLength);
const textLength = (sections: Section[]) => sectionsLength(sections, lineLength);

/** The line saying what a shortened part left out: where the rest is when the reply names its command. */
function leftOut(r: Reply, lines: number): RLine {
  const active = r.buttons?.find((b) => b.active);
  return [{ text: leftOutWords(lines, 'line', undefined, active?.command), italic: true }];
}

/**
 * The reply in `limit` characters, saying what it leaves out (`fitSections`: "… 12 more lines: /levels ETH"); the
 * title and the footer (a disclaimer, the time) stay. `undefined` when even that does not fit.
 */
function shortened(r: Reply, limit: number): string | undefined {
  const out = fitSections(sectionsOf(r), limit, lineLength, (n) => leftOut(r, n));
  if (textLength(out) > limit) return undefined;
  return out.map((s) => s.map((l) => lineHtml(l)).join('\n')).join('\n\n');
}

/** Whether the whole reply fits in one message (or caption) of `limit` characters. */
export function fitsIn(r: Reply, limit: number): boolean {
  return renderMessages(r, limit).length === 1;
}

/** A button's callback_data that asks for the whole text of a chart's compact caption (`details:liqs ETH 24h`). */
export const DETAILS_PREFIX = 'details:';

/**
 * The reply as a chart's caption, so a chart and its words arrive as one message on a phone: whole when it fits
 * 1,024 characters; otherwise compact, its last sections (fields, then the footer) left out until it fits, with a
 * "Details" button under it that sends the whole text (the command of the reply's active button). `undefined`
 * when no compact form fits or the reply has no command to ask the details of: the caller sends chart and text apart.
 */
export function captionReply(r: Reply): Reply | undefined {
  if (fitsIn(r, CAPTION_LIMIT)) return r;
  const active = r.buttons?.find((b) => b.active);
  if (!active || !fitsCallbackData(`${DETAILS_PREFIX}${active.command}`)) return undefined;
  const details = { label: 'Details', command: `${DETAILS_PREFIX}${active.command}` };
  const fields = [...(r.fields ?? [])];
  const variant = (footer: boolean): Reply => {
    const v: Reply = { ...r, fields: [...fields], buttons: [...(r.buttons ?? []), details] };
    if (!footer) delete v.footer;
    return v;
  };
  for (;;) {
    for (const footer of [true, false]) {
      const v = variant(footer && r.footer !== undefined);
      if (fitsIn(v, CAPTION_LIMIT)) return v;
    }
    if (fields.length === 0) return undefined;
    fields.pop();
  }
}

/** The caption of a chart sent apart from a long text: the title, or the chart's own description. */
export function chartCaption(r: Reply): string {
  const title: Reply = { blocks: [], title: r.title ?? [r.image?.alt ?? ''] };
  return renderSingle(title, CAPTION_LIMIT);
}

export interface InlineButton {
  text: string;
  callback_data: string;
}
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Whether a button's command line fits in callback_data. */
export function fitsCallbackData(command: string): boolean {
  return command.length > 0 && utf8Bytes(command) <= CALLBACK_DATA_MAX_BYTES;
}

/**
 * The reply's buttons as an inline keyboard (button labels are plain text: no escaping). A button whose command
 * does not fit in callback_data could never work and is left out; `dropped` names those for a log line.
 */
export function keyboard(buttons: readonly Button[] | undefined): { markup?: InlineKeyboard; dropped: string[] } {
  const dropped: string[] = [];
  const row: InlineButton[] = [];
  for (const b of buttons ?? []) {
    if (!fitsCallbackData(b.command)) {
      dropped.push(b.command);
      continue;
    }
    row.push({ text: b.active ? `• ${b.label} •` : b.label, callback_data: b.command });
  }
  if (row.length === 0) return { dropped };
  const rows: InlineButton[][] = [];
  for (let i = 0; i < row.length; i += BUTTONS_PER_ROW) rows.push(row.slice(i, i + BUTTONS_PER_ROW));
  return { markup: { inline_keyboard: rows }, dropped };
}
