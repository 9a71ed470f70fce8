/**
 * Renders neutral replies as Discord messages: an embed (title, blocks as the description, fields, footer, colour
 * by tone, the chart as `attachment://`), continued in further embeds of the same message when the blocks need more
 * than one description, and window buttons whose custom_id is the command line they run.
 * `escapeMarkdown` is the one Discord escaper: every span passes through it, so text from users and exchanges
 * is never read as markdown, a link or a mention.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord.js';
import type { Button, Field, Line, Reply, ReplyImage, Span } from '../../replies/reply.js';
import { logger } from '../../log.js';
import { fitSections, leftOutWords, sectionsLength } from '../fit.js';

const log = logger('discord');

/** Embed colours by reply tone: longs liquidated are red, shorts green (the trader's convention). */
export const TONE_COLOURS: Record<NonNullable<Reply['tone']>, number> = {
  long: 0xe5484d,
  short: 0x2fb171,
  error: 0xf0b232,
  info: 0x5865f2,
  neutral: 0x4f545c,
};

/** Discord's documented limits for one embed and a message's components. */
export const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, descriptions, fields and footers of all the message's embeds together. */
  embedTotal: 6000,
  embeds: 10,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;
/** Of the embed's 6000 characters, at most this much for the footer, and at least this much kept for fields. */
const FOOTER_SHARE = 512;
const FIELDS_SHARE = 1024;

/**
 * Escape text for Discord markdown: every character that can start formatting (`\ * _ ~ \` | > # - [ ] ( ) <` and
 * `@`) gets a backslash, which Discord consumes when rendering, so the reader sees the text as it was. `<` is what
 * mentions, channel links, custom emoji and timestamps start with, so none can be formed; `\@everyone` pings no
 * one (and `allowedMentions` is empty besides). A leading `1.` (an ordered list) and the `:` of `://` (a bare link)
 * are escaped too.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|>#\-[\]()<@]/g, '\\$&')
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    .replace(/:\/\//g, '\\://');
}

/** Inline code cannot escape anything inside it; a backtick in the text would end it, so it is swapped out. */
function inlineCode(text: string): string {
  const clean = text.replace(/`/g, 'ˋ').replace(/\n/g, ' ');
  return clean.trim() ? `\`${clean}\`` : '';
}

function span(s: Span): string {
  if (typeof s === 'string') return escapeMarkdown(s);
  if (s.channel && /^\d{5,25}$/.test(s.channel)) return `<#${s.channel}>`;
  if (s.code) return inlineCode(s.text);
  const text = escapeMarkdown(s.text);
  // `** text**` does not render as bold: keep the spaces outside the markers.
  if (s.bold && text.trim()) {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
    return `${m[1]}**${m[2]}**${m[3]}`;
  }
  return text;
}

export function renderLine(line: Line): string {
  return line.map(span).join('');
}

/** Plain text (no markdown) for the parts of an embed Discord shows raw: the footer, button labels. */
function plainLine(line: Line): string {
  return line.map((s) => (typeof s === 'string' ? s : s.text)).join('');
}

/** The first `max` UTF-16 units of `text`, one fewer where the cut would split a surrogate pair (an emoji). */
function head(text: string, max: number): string {
  const c = text.charCodeAt(max - 1);
  return text.slice(0, max < text.length && c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** Plain text in at most `max` characters, ending in `mark` when cut, never splitting an emoji. */
export function shorten(text: string, max: number, mark = '…'): string {
  return text.length <= max ? text : `${head(text, max - mark.length)}${mark}`;
}

/**
 * Cut text to `max` characters at a line boundary where possible, else at a space, never splitting an emoji or
 * leaving a dangling escape.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 2) return '';
  const room = max - 1;
  const line = text.lastIndexOf('\n', room);
  const space = text.lastIndexOf(' ', room);
  let out = line > room / 2 ? text.slice(0, line) : space > room / 2 ? text.slice(0, space) : head(text, room);
  // An odd run of trailing backslashes would escape the ellipsis: drop one.
  const slashes = /\\+$/.exec(out)?.[0].length ?? 0;
  if (slashes % 2 === 1) out = out.slice(0, -1);
  return `${out}…`;
}

/**
 * Cut plain text to `max` characters by leaving out its middle: a footer says what matters last (the "SYNTHETIC
 * demo data" disclaimer, the time), after a list that can grow (stretches of a file, feeds). The end kept starts
 * at a ` · ` between parts where one is near the end, the start kept ends at a space.
 */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 8) return shorten(text, max);
  const tailFrom = text.length - Math.floor(max / 3);
  const part = text.indexOf(' · ', tailFrom);
  const space = text.indexOf(' ', tailFrom);
  let from = part >= 0 ? part + 3 : space >= 0 ? space + 1 : tailFrom;
  const c = text.charCodeAt(from);
  if (c >= 0xdc00 && c <= 0xdfff) from++; // never start on the second half of an emoji
  const tail = text.slice(from);
  const join = part >= 0 ? ' … · ' : ' … ';
  const room = max - tail.length - join.length;
  const cut = text.lastIndexOf(' ', room);
  const start = (cut > room / 2 ? text.slice(0, cut) : head(text, room)).trimEnd();
  return `${start}${join}${tail}`;
}

function field(f: Field): { name: string; value: string; inline?: boolean } {
  const name = clip(escapeMarkdown(f.name), LIMITS.fieldName) || '\u200b';
  const value = fitLines([f.value.map(renderLine)], LIMITS.fieldValue).map((s) => s.join('\n'))[0] || '\u200b';
  return f.inline ? { name, value, inline: true } : { name, value };
}

/** A part of the description (a block) as its rendered lines. */
type Section = string[];

const sectionLength = (s: Section) => sectionsLength([s], (l) => l.length);
const textLength = (sections: Section[]) => sectionsLength(sections, (l) => l.length);

/** The line saying what a shortened part left out, on its own line. */
const leftOut = (what: number, noun = 'line') => `*${leftOutWords(what, noun, 'too long for Discord')}*`;

/**
 * Sections shortened to `max` characters in all, saying what they leave out (`fitSections`, as a Telegram edit is);
 * a single line longer than all the room is then clipped.
 */
function fitLines(sections: Section[], max: number): Section[] {
  const out = fitSections(sections, max, (l) => l.length, (n) => leftOut(n));
  // Left: single lines longer than all the room. The longest is clipped.
  for (let over = textLength(out) - max; over > 0; ) {
    let [i, j, line] = [0, 0, ''];
    out.forEach((s, si) => s.forEach((l, lj) => l.length > line.length && ([i, j, line] = [si, lj, l])));
    const clipped = clip(line, Math.max(0, line.length - over));
    if (clipped.length === line.length) break;
    over -= line.length - clipped.length;
    out[i] = out[i]!.map((l, k) => (k === j ? clipped : l));
  }
  return out;
}

/**
 * Sections as descriptions of at most `max` characters each: each filled as far as it goes, a section that does not
 * fit continuing in the next between lines (a short one starts the next whole once this one is half full).
 */
function descriptions(sections: Section[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  const add = (between: string, text: string) => {
    if (cur && cur.length + between.length + text.length > max) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur}${between}${text}` : text;
  };
  for (const section of sections) {
    const total = sectionLength(section);
    const fits = cur.length + (cur ? 2 : 0) + total <= max;
    if (fits || (total <= max && cur.length >= max / 2)) add('\n\n', section.join('\n'));
    else section.forEach((line, i) => add(i === 0 ? '\n\n' : '\n', clip(line, max)));
  }
  if (cur) out.push(cur);
  return out;
}

type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/**
 * Buttons in rows of five. The custom_id is the command line itself (`liqs ETH 4h`), so a click needs no state
 * on our side; a command longer than Discord's 100 characters, or a duplicate, cannot be a button and is left out.
 */
export function renderButtons(buttons: readonly Button[] | undefined): ButtonRow[] {
  const seen = new Set<string>();
  const usable: APIButtonComponentWithCustomId[] = [];
  for (const b of buttons ?? []) {
    if (b.command.length > LIMITS.customId || seen.has(b.command)) {
      log.warn({ command: b.command.slice(0, 120) }, 'discord: button left out (custom_id over 100 characters or repeated)');
      continue;
    }
    seen.add(b.command);
    usable.push({
      type: ComponentType.Button,
      style: b.active ? ButtonStyle.Primary : ButtonStyle.Secondary,
      label: shorten(b.label, LIMITS.buttonLabel) || '·',
      custom_id: b.command,
    });
  }
  const rows: ButtonRow[] = [];
  for (let i = 0; i < usable.length && rows.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: usable.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}

/** A rendered chart ready to upload. */
export interface ImageFile {
  name: string;
  data: Buffer;
  description: string;
}

/** What a Reply becomes on Discord; the adapter turns it into an interaction response or a REST body. */
export interface DiscordMessage {
  embeds: APIEmbed[];
  components: ButtonRow[];
  image?: ImageFile;
  ephemeral: boolean;
  /** Posted without a notification (the reply's `quiet`). */
  quiet: boolean;
}

/** A file name Discord accepts in `attachment://` (letters, digits, `._-`). */
function attachmentName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return /\.png$/i.test(clean) ? clean : `${clean || 'chart'}.png`;
}

/** Render a reply's chart; a chart that fails is logged and the reply goes out without it. */
export async function renderImage(image: ReplyImage | undefined): Promise<ImageFile | undefined> {
  if (!image) return undefined;
  try {
    const png = await image.render();
    return { name: attachmentName(image.filename), data: Buffer.from(png.buffer, png.byteOffset, png.byteLength), description: shorten(image.alt, 1024) };
  } catch (err) {
    log.error({ err, file: image.filename }, 'discord: chart failed to render; sending the reply without it');
    return undefined;
  }
}

/**
 * Build the embeds and buttons for a reply (with its chart already rendered, if any). The blocks fill the first
 * embed's description and continue in further embeds of the same message; fields, the chart and the footer sit on
 * the last. The message's 6000 characters are shared: the footer (provenance, disclaimers) is short by nature, the
 * fields (the breakdowns) keep some room, and where the blocks must still be shortened each shortened part says so.
 */
export function toDiscordMessage(reply: Reply, image?: ImageFile): DiscordMessage {
  const color = TONE_COLOURS[reply.tone ?? 'neutral'];
  const first: APIEmbed = { color };
  let budget: number = LIMITS.embedTotal;
  const sections: Section[] = [];
  if (reply.title) {
    const whole = renderLine(reply.title);
    const title = clip(whole, LIMITS.title);
    if (title) first.title = title;
    budget -= title.length;
    // A headline too long for a title is shown whole as the description's first line: its end (the hour's
    // liquidations after a list of levels) may be said nowhere else.
    if (title !== whole) sections.push([whole]);
  }
  let footer: string | undefined;
  if (reply.footer) {
    footer = clipMiddle(plainLine(reply.footer), Math.min(LIMITS.footer, FOOTER_SHARE)) || undefined;
    budget -= footer?.length ?? 0;
  }
  for (const block of reply.blocks) {
    const lines = block.map(renderLine);
    if (lines.join('\n')) sections.push(lines);
  }
  const wanted = (reply.fields ?? []).map(field);
  const fieldsNeed = wanted.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const descriptionNeed = textLength(sections);
  // Fields keep their share when the blocks are long, and take whatever the blocks leave.
  let fieldsRoom = descriptionNeed + fieldsNeed <= budget ? fieldsNeed : Math.max(Math.min(fieldsNeed, FIELDS_SHARE), budget - descriptionNeed);
  // Fields that will not all fit leave room for the line saying so (at its longest: every field left out).
  if (fieldsNeed > fieldsRoom || wanted.length > LIMITS.fields) fieldsRoom = Math.min(fieldsRoom, budget - textLength([[leftOut(wanted.length, 'field')]]) - 2);
  const fields: typeof wanted = [];
  for (const f of wanted) {
    const size = f.name.length + f.value.length;
    if (size > fieldsRoom || fields.length === LIMITS.fields) break;
    fieldsRoom -= size;
    budget -= size;
    fields.push(f);
  }
  // Fields that did not fit are said last, after the blocks.
  const missing = wanted.length - fields.length;
  const unsaid = missing > 0 ? [[leftOut(missing, 'field')]] : [];
  const fitted = [...fitLines(sections, budget - (unsaid.length ? textLength(unsaid) + 2 : 0)), ...unsaid];
  const texts = descriptions(fitted, LIMITS.description).slice(0, LIMITS.embeds);
  const embeds: APIEmbed[] = [first, ...texts.slice(1).map((): APIEmbed => ({ color }))];
  texts.forEach((text, i) => (embeds[i]!.description = text));
  const last = embeds[embeds.length - 1]!;
  if (fields.length) last.fields = fields;
  if (image) last.image = { url: `attachment://${image.name}` };
  if (footer) last.footer = { text: footer };
  const out: DiscordMessage = { embeds, components: renderButtons(reply.buttons), ephemeral: reply.ephemeral === true, quiet: reply.quiet === true };
  if (image) out.image = image;
  return out;
}
