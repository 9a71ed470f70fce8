/**
 * The platform-neutral reply every command and alert produces. Adapters render it in their own idiom
 * (HTML for Telegram, embeds for Discord, ANSI for the terminal); nothing here knows about a platform.
 */

/**
 * A run of text. Plain strings are the common case; flags mark emphasis an adapter may show; `channel` is a
 * channel id the platform may show as a link (Discord's <#id>), with `text` the fallback.
 */
export type Span = string | { text: string; bold?: boolean; code?: boolean; tone?: Tone; channel?: string };
/** One line of text made of spans. */
export type Line = Span[];
export type Tone = 'long' | 'short' | 'up' | 'down' | 'muted' | 'warn';

export interface Field {
  name: string;
  value: Line[];
  inline?: boolean;
}

/** A button runs a command line (without the slash), e.g. `liqs ETH 4h`, and replaces the message it sits on. */
export interface Button {
  label: string;
  command: string;
  active?: boolean;
}

export interface ReplyImage {
  /** Renders the PNG lazily, so replies that are never shown with an image cost nothing. */
  render: () => Promise<Uint8Array>;
  width: number;
  height: number;
  alt: string;
  filename: string;
}

export interface Reply {
  /** A short headline, e.g. "ETH liquidations · 24h". */
  title?: Line;
  /** Paragraphs of lines. */
  blocks: Line[][];
  fields?: Field[];
  buttons?: Button[];
  footer?: Line;
  image?: ReplyImage;
  /** Colour hint: long (red), short (green), error, info. */
  tone?: 'long' | 'short' | 'neutral' | 'error' | 'info';
  /** Errors and settings changes are shown only to the user who asked, where the platform can. */
  ephemeral?: boolean;
  /**
   * Posted without a notification (Telegram's `disable_notification`, Discord's suppress-notifications flag): news
   * the chat may read later, such as a level that keeps being crossed.
   */
  quiet?: boolean;
}

export const b = (text: string): Span => ({ text, bold: true });
export const code = (text: string): Span => ({ text, code: true });
export const toned = (text: string, tone: Tone, bold = false): Span => ({ text, tone, bold });

export function spanText(s: Span): string {
  return typeof s === 'string' ? s : s.text;
}
export function lineText(l: Line): string {
  return l.map(spanText).join('');
}

/** Plain-text rendering, used by the CLI's `text` fields and anywhere no markup is possible. */
export function replyText(r: Reply): string {
  const parts: string[] = [];
  if (r.title) parts.push(lineText(r.title));
  for (const block of r.blocks) parts.push(block.map(lineText).join('\n'));
  for (const f of r.fields ?? []) parts.push(`${f.name}\n${f.value.map(lineText).join('\n')}`);
  if (r.footer) parts.push(lineText(r.footer));
  return parts.filter((p) => p.length > 0).join('\n\n');
}

/** A reply for a user's mistake: one sentence, shown only to them. */
export function errorReply(message: string, hint?: string): Reply {
  return { blocks: [[[message], ...(hint ? [[hint]] : [])]], tone: 'error', ephemeral: true };
}
