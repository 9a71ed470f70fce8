/**
 * The terminal adapter: with no chat tokens, `npm start` opens a prompt that takes the same commands
 * (`/liqs eth 4h`) and prints alerts and short status lines as they happen, redrawing the prompt after each.
 * `/quit`, `exit`, Ctrl-D and Ctrl-C leave (through `onQuit`, so the bot shuts down cleanly).
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { runCommandLine } from '../../../commands/index.js';
import type { Services } from '../../service.js';
import type { ChatAdapter, DeliveryResult } from '../contract.js';
import type { Reply } from '../../replies/reply.js';
import { escapeTerminal, renderTerminal } from './render.js';
import { logger } from '../../log.js';

const log = logger('terminal');

export const TERMINAL_CHAT = 'terminal:local';

/** Words that leave the prompt, with or without the slash. */
const QUIT = new Set(['quit', 'exit', 'q']);

export interface TerminalAdapter extends ChatAdapter {
  /** A one-line status message (an exchange unreachable, back again) printed above the prompt. */
  notice(text: string): void;
}

export interface TerminalOptions {
  services: Services;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  color?: boolean;
  /** The operator asked to leave: `/quit`, `exit`, Ctrl-D (end of input) or Ctrl-C at the prompt. */
  onQuit?: (how: string) => void;
}

export function createTerminalAdapter(opts: TerminalOptions): TerminalAdapter {
  const output = opts.output ?? process.stdout;
  const color = opts.color ?? (Boolean((output as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  let rl: Interface | undefined;
  let tty = false;
  let sent = 0;
  let quitting = false;
  /** The lines typed, handled one after another: a reply, the prompt, or leaving (errors are logged, the prompt goes on). */
  let queue: Promise<unknown> = Promise.resolve();
  const quit = (how: string) => {
    if (quitting) return;
    quitting = true;
    opts.onQuit?.(how);
  };
  /** Print above the prompt: clear the half-typed line, write, then redraw the prompt with what was typed. */
  const printAbove = (text: string) => {
    if (rl && tty) {
      clearLine(output as NodeJS.WritableStream, 0);
      cursorTo(output as NodeJS.WritableStream, 0);
    }
    output.write(`${text}\n`);
    if (rl && !quitting) rl.prompt(true);
  };
  return {
    platform: 'terminal',
    editsInPlace: false,
    async start() {
      const input = opts.input ?? process.stdin;
      tty = Boolean((input as NodeJS.ReadStream).isTTY);
      rl = createInterface({ input, output, prompt: 'liqbot> ', terminal: tty });
      // The dispatcher runs one chat's commands in order already; this queue also holds a `/quit` or Ctrl-D typed
      // (or pasted) after commands until their replies are printed.
      rl.on('line', (line) => {
        const text = line.trim();
        queue = queue.then(async () => {
          if (!text) return void (quitting || rl?.prompt());
          if (QUIT.has(text.replace(/^\//, '').toLowerCase())) return quit(text);
          // The slash is optional here (`liqs eth`), as the command line reads it.
          const reply = await runCommandLine(text, {
            chat: { key: TERMINAL_CHAT, platform: 'terminal', kind: 'terminal' },
            user: { id: 'local' },
            isAdmin: true,
            now: opts.services.now(),
            services: opts.services,
          });
          output.write(`${renderTerminal(reply, color)}\n`);
          if (!quitting) rl?.prompt();
        }).catch((err: unknown) => log.error({ err }, 'a terminal command failed; the prompt goes on'));
      });
      // Without a listener readline pauses on Ctrl-C and the prompt freezes: one Ctrl-C leaves at once.
      rl.on('SIGINT', () => quit('Ctrl-C'));
      rl.on('close', () => void queue.then(() => quit('end of input')));
      // The terminal went away under it (an SSH session closed: EIO on its raw mode or a read): a hangup, the bot stops
      // cleanly as on SIGHUP, where an unhandled error here crashed it before the stop.
      rl.on('error', (err) => {
        log.warn({ err }, 'the terminal is gone; stopping');
        quit('terminal gone');
      });
      output.write('Type a command (/liqs eth 4h, /levels eth, /help). Alerts print here as they happen. /quit or Ctrl-D leaves.\n');
      rl.prompt();
    },
    async stop() {
      quitting = true;
      const r = rl;
      rl = undefined;
      r?.close();
    },
    notice(text: string) {
      printAbove(`· ${escapeTerminal(text)}`);
    },
    async deliver(to, reply: Reply, editRef?: string): Promise<DeliveryResult> {
      // A terminal cannot edit what it printed: a running message's closing edit ("· over") would only repeat the end
      // printed just above it.
      if (to.editOnly) return { ok: true, messageRef: editRef ?? '' };
      printAbove(`\n${editRef ? '(update) ' : ''}${renderTerminal(reply, color)}\n`);
      return { ok: true, messageRef: editRef ?? String(++sent) };
    },
  };
}
