/**
 * Renders neutral replies for a terminal: ANSI colour when writing to a TTY, plain text otherwise.
 * Text from users and exchanges is stripped of control and format characters so nothing can inject escape codes
 * or turn the line around.
 */
import { clock } from '../../replies/format.js';
import type { Line, Reply, Span, Tone } from '../../replies/reply.js';

const CODES: Record<Tone, string> = { long: '31', short: '32', up: '32', down: '31', muted: '2', warn: '33' };

/**
 * What a terminal must not be handed: C0/C1 control characters (ESC starts an escape sequence) but the newline, and
 * the format characters (bidi overrides and isolates U+202A–U+202E, U+2066–U+2069, marks, zero-width and soft
 * characters): an exchange's error text with U+202E would reverse the rest of the status line. Line and paragraph
 * separators too. The joiners stay (U+200D holds an emoji such as 👨‍👩‍👧 together, U+200C shapes Persian), and so does
 * the emoji presentation selector U+FE0F (not a format character).
 */
const CONTROL = /(?![\n\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** The terminal's one escaper: drop control and format characters (ESC and bidi overrides included) except newlines. */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, '');
}

function span(s: Span, color: boolean): string {
  if (typeof s === 'string') return escapeTerminal(s);
  const text = escapeTerminal(s.text);
  if (!color) return text;
  const codes = [s.bold ? '1' : '', s.tone ? CODES[s.tone] : '', s.code ? '36' : ''].filter(Boolean);
  return codes.length ? `\x1b[${codes.join(';')}m${text}\x1b[0m` : text;
}

const line = (l: Line, color: boolean) => l.map((s) => span(s, color)).join('');

export function renderTerminal(r: Reply, color = false): string {
  const out: string[] = [];
  if (r.title) {
    const t = line(r.title, false);
    out.push(color ? `\x1b[1;4m${escapeTerminal(t)}\x1b[0m` : t, '');
  }
  r.blocks.forEach((block, i) => {
    if (i > 0) out.push('');
    for (const l of block) out.push(line(l, color));
  });
  for (const f of r.fields ?? []) {
    out.push('', color ? `\x1b[1m${escapeTerminal(f.name)}\x1b[0m` : escapeTerminal(f.name));
    for (const l of f.value) out.push(`  ${line(l, color)}`);
  }
  if (r.buttons?.length) {
    const b = r.buttons.map((x) => (x.active ? `[${escapeTerminal(x.label)}*]` : `[${escapeTerminal(x.label)}]`)).join(' ');
    out.push('', color ? `\x1b[2m${b}  (type /${escapeTerminal(r.buttons[0]!.command.split(' ')[0]!)} … to switch)\x1b[0m` : b);
  }
  if (r.footer) out.push('', line(r.footer, color));
  return out.join('\n');
}

/**
 * A reply as one entry of a list of what happened in order (`liqbot demo`: the alerts of a day): its first line on the
 * list's margin, the rest hanging under it, so each entry's start stands out. Its time is said once: by its footer
 * stamp, as the chats read it; a reply without a footer has its time (`ms`, HH:MM in the replies' zone) before its
 * first line instead.
 */
export function renderListEntry(r: Reply, ms: number, color = false): string {
  const lead = r.footer ? '' : `${clock(ms)}  `;
  const hang = ' '.repeat(lead.length || 2);
  return renderTerminal(r, color)
    .split('\n')
    .map((l, i) => (l ? `  ${i === 0 ? lead : hang}${l}` : ''))
    .join('\n');
}
