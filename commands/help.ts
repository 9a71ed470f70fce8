/** `/help [command]` and `/start`: what the bot does and every command, or one command's parts, from the registry. */
import { b, code, errorReply, type Line, type Reply } from '../src/replies/reply.js';
import { quote } from './parse.js';
import type { CommandDef, OptionSpec } from './types.js';

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
  } else blocks.push([['More on one command: ', code('/help alerts')]]);
  return { title: [intro ? 'liqbot' : 'Commands'], blocks, tone: 'info' };
}

/** How a part is typed: its first usage example, else its options (`<asset>`, `[window]`). */
function typed(cmd: CommandDef, sub: string | undefined, options: readonly OptionSpec[]): string {
  const head = sub === undefined ? cmd.name : `${cmd.name} ${sub}`;
  const example = cmd.usage.find((u) => u === head || u.startsWith(`${head} `));
  const placeholder = (o: OptionSpec) => (o.choices && o.choices.length <= 4 ? o.choices.join('|') : o.name);
  return `/${example ?? [head, ...options.map((o) => (o.required ? `<${placeholder(o)}>` : `[${placeholder(o)}]`))].join(' ')}`;
}

/** `/help level`: one command's parts, each as it is typed, what it does, and which are for admins. */
export function commandHelpReply(cmd: CommandDef): Reply {
  const admin = (yes: boolean | undefined) => (yes || cmd.admin ? ' (admins)' : '');
  // "testing: …": the word a reply uses, in bold.
  const guide = cmd.guide?.length ? [cmd.guide.map((g): Line => (typeof g === 'string' ? [g] : [b(g[0]), `: ${g[1]}`]))] : [];
  if (cmd.subcommands) {
    const parts = cmd.subcommands.map((s): Line => [code(typed(cmd, s.name, s.options)), ` ${s.description}${admin(s.admin)}`]);
    return { title: [`/${cmd.name}`], blocks: [[[cmd.description]], parts, ...guide], tone: 'info' };
  }
  const options = (cmd.options ?? []).map((o): Line => [b(o.name), `: ${o.description}${o.required ? '' : ' (optional)'}`]);
  const examples: Line = [b('Examples: '), ...cmd.usage.flatMap((u, i) => [...(i ? [' · '] : []), code(`/${u}`)])];
  return { title: [`/${cmd.name}`], blocks: [[[`${cmd.description}${admin(false)}`]], ...(options.length ? [options] : []), [examples], ...guide], tone: 'info' };
}

export function helpCommand(all: () => readonly CommandDef[]): CommandDef {
  return {
    name: 'help',
    description: 'What liqbot can do',
    usage: ['help', 'help alerts'],
    options: [{ name: 'command', description: 'One command, e.g. alerts', kind: 'text', rest: true }],
    run: (_ctx, args) => {
      // `/help level add`: the command's help, all its parts.
      const name = args.values.command?.trim().split(/\s+/)[0]!.replace(/^\//, '').toLowerCase();
      if (!name) return helpReply(all(), false);
      // `/help start` too (the README lists /start): the introduction's own line.
      const cmd = all().find((c) => c.name === name);
      if (!cmd) return errorReply(`No command ${quote(name)}.`, `Commands: ${all().filter((c) => c.name !== 'start').map((c) => `/${c.name}`).join(', ')}.`);
      return commandHelpReply(cmd);
    },
  };
}

export function startCommand(all: () => readonly CommandDef[]): CommandDef {
  return { name: 'start', description: 'Introduction: what liqbot does, and every command', usage: ['start'], options: [], run: () => helpReply(all(), true) };
}
