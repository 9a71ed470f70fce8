/**
 * Renders neutral replies for a terminal: ANSI colour when writing to a TTY, plain text otherwise.
 * Text from users and exchanges is stripped of control characters so nothing can inject escape codes.
 */
import type { Line, Reply, Span, Tone } from '../../replies/reply.js';

const CODES: Record<Tone, string> = { long: '31', short: '32', up: '32', down: '31', muted: '2', warn: '33' };

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** The terminal's one escaper: drop C0/C1 control characters (ESC included) except newlines. */
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
