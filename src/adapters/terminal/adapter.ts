/**
 * The terminal adapter: with no chat tokens, `npm start` opens a prompt that takes the same commands
 * (`/liqs eth 4h`) and prints alerts as they happen.
 */
import { createInterface, type Interface } from 'node:readline';
import { runCommandLine } from '../../../commands/index.js';
import type { Services } from '../../service.js';
import type { ChatAdapter, DeliveryResult } from '../contract.js';
import type { Reply } from '../../core/reply.js';
import { renderTerminal } from './render.js';

export const TERMINAL_CHAT = 'terminal:local';

export function createTerminalAdapter(opts: { services: Services; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; color?: boolean }): ChatAdapter {
  const output = opts.output ?? process.stdout;
  const color = opts.color ?? (Boolean((output as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  let rl: Interface | undefined;
  let sent = 0;
  const print = (text: string) => output.write(`${text}\n`);
  return {
    platform: 'terminal',
    async start() {
      const input = opts.input ?? process.stdin;
      rl = createInterface({ input, output, prompt: 'liqbot> ', terminal: Boolean((input as NodeJS.ReadStream).isTTY) });
      rl.on('line', (line) => {
        const text = line.trim();
        if (!text) return void rl?.prompt();
        void runCommandLine(text.startsWith('/') ? text : `/${text}`, {
          chat: { key: TERMINAL_CHAT, platform: 'terminal', kind: 'terminal' },
          user: { id: 'local' },
          isAdmin: true,
          now: opts.services.now(),
          services: opts.services,
        }).then((reply) => {
          print(renderTerminal(reply, color));
          rl?.prompt();
        });
      });
      print('Type a command (/liqs eth 4h, /levels eth, /help). Alerts print here as they happen.');
      rl.prompt();
    },
    async stop() {
      rl?.close();
      rl = undefined;
    },
    async deliver(_to, reply: Reply, editRef?: string): Promise<DeliveryResult> {
      print(`\n${editRef ? '(update) ' : ''}${renderTerminal(reply, color)}\n`);
      rl?.prompt(true);
      return { ok: true, messageRef: editRef ?? String(++sent) };
    },
  };
}
