/** `/help` and `/start`: what the bot does and every command, generated from the registry. */
import { b, code, type Reply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';

export function helpReply(commands: readonly CommandDef[], intro: boolean): Reply {
  const lines = commands
    .filter((c) => c.name !== 'start')
    .map((c) => [code(`/${c.usage[0] ?? c.name}`), ` ${c.description}${c.admin || c.subcommands?.some((s) => s.admin) ? ' (changes: admins)' : ''}`]);
  const blocks = [lines, [[b('Examples: '), code('/liqs eth 4h'), ' · ', code('/levels eth'), ' · ', code('/level add eth 2750-2800 "prior support"'), ' · ', code('/alerts on')]]];
  if (intro) {
    blocks.unshift([
      ['liqbot answers three questions during a leverage flush: how much got liquidated and where, whether the levels you watch hold, and whether the flush is over.'],
      ['It also posts by itself when a liquidation cascade starts or a level breaks (admins: /alerts on).'],
    ]);
  }
  return { title: [intro ? 'liqbot' : 'Commands'], blocks, tone: 'info' };
}

export function helpCommand(all: () => readonly CommandDef[]): CommandDef {
  return { name: 'help', description: 'What liqbot can do', usage: ['help'], options: [], run: () => helpReply(all(), false) };
}

export function startCommand(all: () => readonly CommandDef[]): CommandDef {
  return { name: 'start', description: 'Introduction', usage: ['start'], options: [], run: () => helpReply(all(), true) };
}
