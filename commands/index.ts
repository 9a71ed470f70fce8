/**
 * The command registry and dispatcher: every platform hands a command here (as a text line, or as named
 * options from Discord) and gets a neutral Reply back. Admin rights, argument mapping and the error
 * boundary live here once, not in each adapter.
 */
import { logger } from '../src/log.js';
import { splitWords, quote } from '../src/core/parse.js';
import { errorReply, type Reply } from '../src/core/reply.js';
import { alerts } from './alerts.js';
import { helpCommand, startCommand } from './help.js';
import { level } from './level.js';
import { levels } from './levels.js';
import { liqs } from './liqs.js';
import { oi } from './oi.js';
import { CommandLimiter } from './limits.js';
import type { Args, CommandContext, CommandDef, OptionSpec } from './types.js';

const log = logger('commands');

export const COMMANDS: readonly CommandDef[] = [liqs, levels, oi, level, alerts];
export const ALL_COMMANDS: readonly CommandDef[] = [...COMMANDS, helpCommand(() => ALL_COMMANDS), startCommand(() => ALL_COMMANDS)];

export function findCommand(name: string): CommandDef | undefined {
  return ALL_COMMANDS.find((c) => c.name === name.toLowerCase());
}

/** Longest command line accepted from a chat; longer input is refused before parsing. */
export const MAX_COMMAND_CHARS = 500;

/** Map words to a command's options in order; a `rest` option takes what is left. */
function positional(options: readonly OptionSpec[], words: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  options.forEach((o, i) => {
    if (i >= words.length) return;
    values[o.name] = o.rest ? words.slice(i).join(' ') : words[i];
  });
  return values;
}

/** Parse a text command (`/liqs@bot eth 4h`, `level add eth 2750-2800 "prior support"`) into name and args. */
export function parseCommandLine(text: string): { name: string; args: Args; botName?: string } | undefined {
  const m = /^\/?([A-Za-z_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const cmd = findCommand(m[1]!);
  const words = splitWords(m[3] ?? '');
  const out: { name: string; args: Args; botName?: string } = { name: m[1]!.toLowerCase(), args: { values: {} } };
  if (m[2]) out.botName = m[2];
  if (!cmd) return out;
  if (cmd.subcommands) {
    const sub = words[0]?.toLowerCase();
    const spec = cmd.subcommands.find((s) => s.name === sub);
    out.args = spec ? { sub: spec.name, values: positional(spec.options, words.slice(1)) } : { sub, values: {} };
  } else {
    out.args = { values: positional(cmd.options ?? [], words) };
  }
  return out;
}

function needsAdmin(cmd: CommandDef, args: Args): boolean {
  if (cmd.admin) return true;
  return cmd.subcommands?.find((s) => s.name === args.sub)?.admin ?? false;
}

/** Run a command by name with its args; never throws. */
export async function runCommand(name: string, args: Args, ctx: CommandContext): Promise<Reply> {
  const cmd = findCommand(name);
  if (!cmd) return errorReply(`Unknown command ${quote(`/${name}`)}.`, 'Type /help for the list.');
  if (cmd.subcommands && args.sub !== undefined && !cmd.subcommands.some((s) => s.name === args.sub)) {
    return errorReply(`Unknown option ${quote(args.sub)} for /${cmd.name}.`, `Try: ${cmd.usage.map((u) => `/${u}`).join(' · ')}`);
  }
  // The local terminal's operator is the bot's owner: no per-minute limit there.
  const wait = ctx.chat.platform === 'terminal' ? 0 : limiterFor(ctx).check(`${ctx.chat.platform}:${ctx.user.id}`, ctx.chat.key, ctx.now);
  if (wait > 0) {
    return errorReply(`Easy there: too many commands in the last minute. Try again in ${Math.ceil(wait / 1000)} s.`);
  }
  if (needsAdmin(cmd, args) && !ctx.isAdmin) {
    return errorReply('Only admins of this chat can change its levels and alerts.', 'Anyone can use /liqs, /levels and /level list.');
  }
  const started = performance.now();
  try {
    return await cmd.run(ctx, args);
  } catch (err) {
    log.error({ err, command: name, chat: ctx.chat.key }, 'command failed');
    return errorReply('Something went wrong answering that. It has been logged; please try again in a moment.');
  } finally {
    const ms = performance.now() - started;
    for (const observe of commandTimings) observe(cmd.name, ms);
  }
}

const limiters = new WeakMap<object, CommandLimiter>();
function limiterFor(ctx: CommandContext): CommandLimiter {
  let l = limiters.get(ctx.services);
  if (!l) {
    const { commandsPerUserPerMinute, commandsPerChatPerMinute } = ctx.services.config.limits;
    limiters.set(ctx.services, (l = new CommandLimiter(commandsPerUserPerMinute, commandsPerChatPerMinute)));
  }
  return l;
}

/** Told every command's duration (ms), for metrics (src/ops/http.ts adds a histogram). */
export const commandTimings = new Set<(command: string, ms: number) => void>();

/** Run a typed command line; refuses oversized input with a sentence. */
export async function runCommandLine(text: string, ctx: CommandContext): Promise<Reply> {
  if (text.length > MAX_COMMAND_CHARS) return errorReply(`That command is too long (${text.length} characters; at most ${MAX_COMMAND_CHARS}).`);
  const parsed = parseCommandLine(text);
  if (!parsed) return errorReply('Commands look like /liqs eth 4h.', 'Type /help for the list.');
  return runCommand(parsed.name, parsed.args, ctx);
}

export type { CommandDef, CommandContext, Args };
