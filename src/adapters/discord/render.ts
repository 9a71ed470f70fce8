/**
 * Renders neutral replies as Discord messages: one embed (title, blocks as the description, fields, footer,
 * colour by tone, the chart as `attachment://`) and window buttons whose custom_id is the command line they run.
 * `escapeMarkdown` is the one Discord escaper: every span passes through it, so text from users and exchanges
 * is never read as markdown, a link or a mention.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord.js';
import type { Button, Field, Line, Reply, ReplyImage, Span } from '../../replies/reply.js';
import { logger } from '../../log.js';

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
  embedTotal: 6000,
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

/** Cut text to `max` characters at a line boundary where possible, never leaving a dangling escape. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 2) return '';
  const room = max - 1;
  const cut = text.lastIndexOf('\n', room);
  let out = cut > room / 2 ? text.slice(0, cut) : text.slice(0, room);
  // An odd run of trailing backslashes would escape the ellipsis: drop one.
  const slashes = /\\+$/.exec(out)?.[0].length ?? 0;
  if (slashes % 2 === 1) out = out.slice(0, -1);
  return `${out}…`;
}

function field(f: Field): { name: string; value: string; inline?: boolean } {
  const name = clip(escapeMarkdown(f.name), LIMITS.fieldName) || '\u200b';
  const value = clip(f.value.map(renderLine).join('\n'), LIMITS.fieldValue) || '\u200b';
  return f.inline ? { name, value, inline: true } : { name, value };
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
      label: b.label.slice(0, LIMITS.buttonLabel) || '·',
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
    return { name: attachmentName(image.filename), data: Buffer.from(png.buffer, png.byteOffset, png.byteLength), description: image.alt.slice(0, 1024) };
  } catch (err) {
    log.error({ err, file: image.filename }, 'discord: chart failed to render; sending the reply without it');
    return undefined;
  }
}

/** Build the embed and buttons for a reply (with its chart already rendered, if any). */
export function toDiscordMessage(reply: Reply, image?: ImageFile): DiscordMessage {
  const embed: APIEmbed = { color: TONE_COLOURS[reply.tone ?? 'neutral'] };
  let budget: number = LIMITS.embedTotal;
  const take = (text: string, max: number): string => {
    const out = clip(text, Math.min(max, budget));
    budget -= out.length;
    return out;
  };
  if (reply.title) {
    const title = take(renderLine(reply.title), LIMITS.title);
    if (title) embed.title = title;
  }
  // The 6000 characters are shared: the footer (provenance, disclaimers) is short by nature, and the description
  // leaves room for the fields, which carry the breakdowns.
  if (reply.footer) {
    const footer = take(plainLine(reply.footer), Math.min(LIMITS.footer, FOOTER_SHARE));
    if (footer) embed.footer = { text: footer };
  }
  const description = reply.blocks
    .map((block) => block.map(renderLine).join('\n'))
    .filter((b) => b.length > 0)
    .join('\n\n');
  const fieldsWanted = (reply.fields?.length ?? 0) > 0 ? FIELDS_SHARE : 0;
  if (description) embed.description = take(description, Math.min(LIMITS.description, budget - fieldsWanted));
  const fields = [];
  for (const f of (reply.fields ?? []).slice(0, LIMITS.fields)) {
    const rendered = field(f);
    const size = rendered.name.length + rendered.value.length;
    if (size > budget) break;
    budget -= size;
    fields.push(rendered);
  }
  if (fields.length) embed.fields = fields;
  if (image) embed.image = { url: `attachment://${image.name}` };
  const out: DiscordMessage = { embeds: [embed], components: renderButtons(reply.buttons), ephemeral: reply.ephemeral === true, quiet: reply.quiet === true };
  if (image) out.image = image;
  return out;
}
