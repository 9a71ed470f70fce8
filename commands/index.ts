/**
 * The command registry and dispatcher: every platform hands a command here (as a text line, or as named
 * options from Discord) and gets a neutral Reply back. Admin rights, argument mapping and the error
 * boundary live here once, not in each adapter.
 *
 * The inbound contract, all an adapter does: build a `Caller` (chat, user, now, services), call `dispatch` or
 * `dispatchLine` with `DispatchOptions.isAdmin` answering "is this user an admin of this chat" (asked only when
 * the command needs it; a platform that cannot answer throws, and the caller is then a member), and show the
 * Reply it gets back. Which commands need an admin (`needsAdmin`, `adminParts`) and the reply to an internal
 * error (`internalErrorReply`) are decided here, and so is the order: one chat's commands run one after another.
 */
import { logger } from '../src/log.js';
import { splitWords, quote, visible } from './parse.js';
import { errorReply, toned, type Reply } from '../src/replies/reply.js';
import { channelRefusedReply, serverOnlyReply, unnamedChannel } from '../src/replies/channels.js';
import { alerts } from './alerts.js';
import { helpCommand, startCommand } from './help.js';
import { level } from './level.js';
import { levels } from './levels.js';
import { liqs } from './liqs.js';
import { oi } from './oi.js';
import { status } from './status.js';
import { CommandBudget } from './limits.js';
import { cardPosted } from './proposals.js';
import type { Services } from '../src/service.js';
import type { StateChange } from '../src/state/changes.js';
import type { Args, ChatInfo, CommandContext, CommandDef, CommandReply, OptionSpec, PostsToRefusal } from './types.js';

const log = logger('commands');

export const COMMANDS: readonly CommandDef[] = [liqs, levels, oi, level, alerts, status];
export const ALL_COMMANDS: readonly CommandDef[] = [...COMMANDS, helpCommand(() => ALL_COMMANDS), startCommand(() => ALL_COMMANDS)];

export function findCommand(name: string): CommandDef | undefined {
  return ALL_COMMANDS.find((c) => c.name === name.toLowerCase());
}

/** Longest command line accepted from a chat; longer input is refused before parsing. */
export const MAX_COMMAND_CHARS = 500;

/** Map words to a command's options in order; a `rest` option takes what is left, and words past the last are `extra`. */
function positional(options: readonly OptionSpec[], typed: string[]): Args {
  const words = optionWords(options, typed);
  const values: Record<string, string | undefined> = {};
  options.forEach((o, i) => {
    if (i >= words.length) return;
    // A word read as it shows; a label (the rest of the line) as typed, its emoji's joiners and all.
    values[o.name] = o.rest ? words.slice(i).join(' ') : visible(words[i]!);
  });
  const extra = options.some((o) => o.rest) ? [] : words.slice(options.length);
  return extra.length ? { values, extra } : { values };
}

/**
 * Words as a command with these options reads them, on every platform (a Discord option holding more words too): with
 * a window among them, a number and its time unit typed apart are one window (`/liqs eth 4 h`), and "last" or "past"
 * before a window says nothing more (`/liqs eth last 4h`).
 */
export function optionWords(options: readonly OptionSpec[], typed: string[]): string[] {
  return options.some((o) => o.kind === 'window') ? joinWindows(typed) : typed;
}

/** A time unit as parseWindow (parse.ts) takes it after a number. */
const UNIT = /^(?:m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$/i;

function joinWindows(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const next = words[i + 1];
    // `/liqs eth last 4h`: "last" or "past" before a window says nothing more.
    if (/^(?:last|past)$/i.test(words[i]!) && next !== undefined && /^\d/.test(next)) continue;
    if (/^\d+$/.test(words[i]!) && next !== undefined && UNIT.test(next)) {
      out.push(`${words[i]!}${next}`);
      i++;
    } else out.push(words[i]!);
  }
  return out;
}

/** Parse a text command (`/liqs@bot eth 4h`, `level add eth 2750-2800 "prior support"`) into name and args. */
export function parseCommandLine(text: string): { name: string; args: Args; botName?: string } | undefined {
  // The command word read as it shows (`/\u200Fliqs` from an RTL keyboard is /liqs); the rest, word by word below.
  const line = text.trim().replace(/^\S+/, (word) => visible(word)).trim();
  const m = /^\/?([A-Za-z_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/.exec(line);
  if (!m) return undefined;
  const cmd = findCommand(m[1]!);
  const words = splitWords(m[3] ?? '');
  const out: { name: string; args: Args; botName?: string } = { name: m[1]!.toLowerCase(), args: { values: {} } };
  if (m[2]) out.botName = m[2];
  if (!cmd) return out;
  if (cmd.subcommands) {
    const sub = words[0] === undefined ? undefined : visible(words[0]).toLowerCase();
    const spec = cmd.subcommands.find((s) => s.name === sub);
    out.args = spec ? { sub: spec.name, ...positional(spec.options, words.slice(1)) } : { sub, values: {} };
  } else {
    out.args = positional(cmd.options ?? [], words);
  }
  return out;
}

/** Whether running `name` with `args` changes chat settings (only admins may). */
export function needsAdmin(cmd: CommandDef, args: Args): boolean {
  if (cmd.admin) return true;
  return cmd.subcommands?.find((s) => s.name === args.sub)?.admin ?? false;
}

/**
 * Which parts of a command change settings: `all` (a platform may hide it from members, as Discord's
 * default_member_permissions does), `some` (`/level list` is anyone's, `/level add` an admin's) or `none`.
 */
export function adminParts(cmd: CommandDef): 'all' | 'some' | 'none' {
  if (cmd.admin) return 'all';
  const subs = cmd.subcommands ?? [];
  if (subs.length > 0 && subs.every((s) => s.admin)) return 'all';
  return subs.some((s) => s.admin) ? 'some' : 'none';
}

/** Whether a command's part answers the caller alone (its spec's `private`): an admin's settings change. */
function privatePart(cmd: CommandDef, args: Args): boolean {
  if (cmd.private) return true;
  return cmd.subcommands?.find((s) => s.name === args.sub)?.private ?? false;
}

/**
 * Whether a command's answer is known to be private before it runs, for a platform that must choose early (Discord
 * keeps a deferred answer's visibility): a refusal (a member asking for an admin's part, a settings command where the
 * chat keeps none) or a part answered privately. Any other may answer in public (a proposal's card).
 */
export function answersPrivately(cmd: CommandDef, args: Args, chat: ChatInfo, isAdmin: boolean): boolean {
  if (chat.noSettings && adminParts(cmd) !== 'none') return true;
  if (needsAdmin(cmd, args) && !isAdmin) return true;
  return privatePart(cmd, args);
}

/**
 * What a platform does once it has posted a command's public answer where the command had no message to know it by
 * (a Discord slash command: its message exists only once answered), `messageRef` as the platform writes refs: a
 * proposal's card becomes its proposal's home, as a card whose button is pressed does (proposals.ts).
 */
export function answerPosted(caller: Caller, reply: CommandReply, messageRef: string): void {
  if (reply.proposal !== undefined) cardPosted(caller, reply.proposal, messageRef);
}

/** The answer to a command that failed on our side (a bug, a platform that could not be answered): logged, never shown. */
export function internalErrorReply(): Reply {
  return errorReply('Something went wrong answering that. It has been logged; please try again in a moment.');
}

/** Who is asking where, before the adapter has asked its platform whether they are an admin. */
export type Caller = Omit<CommandContext, 'isAdmin'>;

export interface DispatchOptions {
  /**
   * The platform's answer to "is this user an admin of this chat", asked only for commands that change settings.
   * Throwing (the platform could not be asked) counts as no.
   */
  isAdmin: () => boolean | Promise<boolean>;
  /**
   * The platform's check of the places a command will post alerts to (`CommandDef.postsTo`), before it runs (Discord:
   * is the channel this server's, may the bot post there?). A refusal is said, and nothing changes.
   */
  checkPostsTo?: (targets: readonly string[], ctx: CommandContext) => Promise<PostsToRefusal | undefined>;
  /**
   * The platform answers every command (Discord tells the caller "The application did not respond" where none comes):
   * over budget and already told in this window, the caller gets one line with the seconds left, never `undefined`.
   */
  answerAll?: true;
}

/** `undefined`: say nothing, the caller is over budget and was already told so in this window (see `answerAll`). */
export type Answer = CommandReply | undefined;

/**
 * The budget, checked before anything else is done or answered (unknown, over-long and malformed commands
 * included). The local terminal's operator is never metered: budgets protect groups from their members.
 */
function admit(caller: Caller, opts: DispatchOptions): 'run' | Answer {
  if (caller.chat.platform === 'terminal') return 'run';
  const now = wallClocked.has(caller.services) ? Date.now() : caller.now;
  const v = budgetFor(caller).check(`${caller.chat.platform}:${caller.user.id}`, caller.chat.key, now);
  if (v.run) return 'run';
  const retry = `Try again in ${Math.max(1, Math.ceil(v.waitMs / 1000))} s.`;
  if (!v.tell) return opts.answerAll ? errorReply(`Still too many commands in the last minute. ${retry}`) : undefined;
  const { commandsPerUserPerMinute: perUser, commandsPerChatPerMinute: perChat } = caller.services.config.limits;
  // Said as it is: the budget that holds the command back, and where the silence holds (the user's own budget: every chat).
  const until = v.limit === 'user'
    ? `You reached your ${perUser} commands a minute across chats: until then, I will not answer your commands in any chat.`
    : v.limit === 'chat'
      ? `This chat reached its ${perChat} commands a minute: until then, I will not answer your commands in this chat.`
      : 'Until then, I will not answer your commands in this chat.';
  return errorReply(`Easy there: too many commands in the last minute. ${retry}`, until);
}

/**
 * Services whose budgets run on wall-clock time, not on `Caller.now`: a rehearsal's (`--replay`), whose clock runs at
 * the recording's speed and stops an hour past its last event. On that clock a refused member would wait a minute of
 * the recording (gone in a blink at speed, never once it stopped); members in a chat live in wall-clock minutes.
 */
const wallClocked = new WeakSet<object>();
export function meterOnWallClock(services: object): void {
  wallClocked.add(services);
}

/** What a platform that answers every command passes: its answer is never `undefined`. */
export type AnswerAllOptions = DispatchOptions & { answerAll: true };

/**
 * A chat platform's entry point for a command by name (Discord's slash commands): the budget first, then the
 * command, admin rights and the platform's own check. Never throws; `undefined` means answer nothing (never with `answerAll`).
 */
export function dispatch(name: string, args: Args, caller: Caller, opts: AnswerAllOptions): Promise<CommandReply>;
export function dispatch(name: string, args: Args, caller: Caller, opts: DispatchOptions): Promise<Answer>;
export async function dispatch(name: string, args: Args, caller: Caller, opts: DispatchOptions): Promise<Answer> {
  const gate = admit(caller, opts);
  if (gate !== 'run') return gate;
  return execute(name, args, caller, opts);
}

/** A line break in any of its forms (a message typed or pasted on any system). */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/;

/** A chat platform's entry point for a typed command line (Telegram, Discord's buttons): as `dispatch`. */
export function dispatchLine(text: string, caller: Caller, opts: AnswerAllOptions): Promise<CommandReply>;
export function dispatchLine(text: string, caller: Caller, opts: DispatchOptions): Promise<Answer>;
export async function dispatchLine(text: string, caller: Caller, opts: DispatchOptions): Promise<Answer> {
  const gate = admit(caller, opts);
  if (gate !== 'run') return gate;
  if (text.length > MAX_COMMAND_CHARS) return errorReply(`That command is too long (${text.length} characters; at most ${MAX_COMMAND_CHARS}).`);
  // Two commands pasted in one message would read as one (the second line a level's label): neither is run.
  const lines = text.trim().split(LINE_BREAK).length;
  if (lines > 1) return errorReply(`One command per message: this one has ${lines} lines, and none of them was run.`, 'Send each command as a message of its own.');
  const parsed = parseCommandLine(text);
  if (!parsed) return errorReply('Commands look like /liqs eth 4h.', 'Type /help for the list.');
  return execute(parsed.name, parsed.args, caller, opts);
}

/** What a member may do, told when they try an admin's command (every command without an admin part, and the members' parts). */
export const MEMBER_HINT = 'Anyone can use /liqs, /levels, /oi, /status, /level list, /alerts status and /help, and propose levels and vote on the group’s proposals (👍 / 👎).';

/** How long a chat's command waits at most for the ones sent before it (a platform call that hangs holds no one long). */
const IN_ORDER_WAIT_MS = 10_000;
const chatQueues = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * One chat's commands run in the order they came, so `/levels eth` sent right after `/level add eth 2350` answers
 * with the level (run side by side, the read finished before the write). Other chats never wait.
 */
function inChatOrder(caller: Caller, run: () => Promise<CommandReply>): Promise<CommandReply> {
  let queues = chatQueues.get(caller.services);
  if (!queues) chatQueues.set(caller.services, (queues = new Map()));
  const key = caller.chat.key;
  const before = queues.get(key);
  const reply = before ? waitAtMost(before, IN_ORDER_WAIT_MS).then(run) : run();
  const tail = reply.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return reply;
}

function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
  return Promise.race([p.then(() => undefined, () => undefined), limit]).finally(() => clearTimeout(timer));
}

/** The usage lines of the (sub)command typed: `/alerts off`, `/levels eth`. */
function usageOf(cmd: CommandDef, args: Args): string {
  const lines = cmd.usage.filter((u) => args.sub === undefined || u === `${cmd.name} ${args.sub}` || u.startsWith(`${cmd.name} ${args.sub} `));
  return (lines.length ? lines : [`${cmd.name} ${args.sub}`]).map((u) => `/${u}`).join(' · ');
}

function execute(name: string, args: Args, caller: Caller, opts: DispatchOptions): Promise<CommandReply> {
  return inChatOrder(caller, () => executeNow(name, args, caller, opts));
}

/** The places a command would post alerts to, checked by the platform: its refusal said, or nothing. */
async function refusedPostsTo(cmd: CommandDef, args: Args, ctx: CommandContext, opts: DispatchOptions): Promise<Reply | undefined> {
  const targets = cmd.postsTo?.(ctx, args) ?? [];
  const refused = targets.length && opts.checkPostsTo ? await opts.checkPostsTo(targets, ctx) : undefined;
  if (!refused) return undefined;
  return channelRefusedReply(refused.shownAs ?? unnamedChannel(refused.target === ctx.chat.target), refused, `/${cmd.name}${args.sub ? ` ${args.sub}` : ''}`);
}

async function executeNow(name: string, args: Args, caller: Caller, opts: DispatchOptions): Promise<CommandReply> {
  const cmd = findCommand(name);
  if (!cmd) return errorReply(`Unknown command ${quote(`/${name}`)}.`, 'Type /help for the list.');
  if (cmd.subcommands && args.sub !== undefined && !cmd.subcommands.some((s) => s.name === args.sub)) {
    return errorReply(`Unknown option ${quote(args.sub)} for /${cmd.name}.`, `Try: ${cmd.usage.map((u) => `/${u}`).join(' · ')}`);
  }
  if (caller.chat.noSettings && adminParts(cmd) !== 'none') return serverOnlyReply(cmd.name);
  let isAdmin = false;
  if (needsAdmin(cmd, args)) {
    try {
      isAdmin = await opts.isAdmin();
    } catch (err) {
      // The platform did not say who the admins are: an admin refused as a member would be told something untrue.
      log.warn({ err, chat: caller.chat.key }, 'could not check admin rights; nothing changed');
      return errorReply('Could not check who the admins of this chat are just now: nothing changed.', 'Try again in a minute.');
    }
    if (!isAdmin) return errorReply('Only admins of this chat can change its levels and alerts.', MEMBER_HINT);
  }
  // A change typed with words it does not take changes nothing (`/alerts off eth` does not turn every alert off).
  if (args.extra?.length && needsAdmin(cmd, args)) {
    return errorReply(`${quote(args.extra.join(' '))} is more than /${cmd.name}${args.sub ? ` ${args.sub}` : ''} takes: nothing changed.`, cmd.extraHint?.(args) ?? `Usage: ${usageOf(cmd, args)}.`);
  }
  let changed = false;
  const ctx: CommandContext = { ...caller, isAdmin, services: onApply(caller.services, () => (changed = true)) };
  const started = performance.now();
  try {
    let reply: CommandReply = (await refusedPostsTo(cmd, args, ctx, opts)) ?? (await cmd.run(ctx, args));
    // A change made while the store keeps nothing it writes (its file deleted, replaced or moved) holds until a restart: said.
    if (changed && caller.services.notKeptSince?.() !== undefined) reply = { ...reply, blocks: [...reply.blocks, [[toned(NOT_KEPT, 'warn')]]] };
    // Words the command does not take are said, not silently dropped (`/levels eth 2350` adds no level).
    // (Not for /start: Telegram's deep links send `/start <payload>`.)
    // A word that repeats one the command took (`/levels eth eth`) adds nothing, and is not said as ignored.
    const typed = (w: string) => visible(w).trim().toLowerCase();
    const extra = (args.extra ?? []).filter((w) => !Object.values(args.values).some((v) => v !== undefined && typed(v) === typed(w)));
    if (extra.length && reply.tone !== 'error' && cmd.name !== 'start') {
      reply = { ...reply, blocks: [...reply.blocks, [[toned(`Ignored ${quote(extra.join(' '))} (usage: ${usageOf(cmd, args)}).`, 'muted')]]] };
    }
    return privatePart(cmd, args) ? { ...reply, ephemeral: true } : reply;
  } catch (err) {
    log.error({ err, command: name, chat: ctx.chat.key }, 'command failed');
    return internalErrorReply();
  } finally {
    const ms = performance.now() - started;
    for (const observe of caller.services.commandTimings ?? []) observe(cmd.name, ms);
  }
}

/**
 * Said under a change's reply while what the store writes is not kept (`Services.notKeptSince`): the change applies, but
 * a restart loses it. The operator is told by the store's log line and the stop's last line (faults.ts, main.ts).
 */
export const NOT_KEPT = 'This change lasts until the bot restarts: the database file was deleted, replaced or moved, so it is not saved (the operator is told).';

/**
 * The services a command runs with: `services` itself for everything (each method called on it, so it keeps its own
 * state), its `apply` told to `changed` first, so the router knows the command changed something without each command
 * saying so.
 */
function onApply(services: Services, changed: () => void): Services {
  const apply = (change: StateChange): void => {
    changed();
    services.apply(change);
  };
  return new Proxy(services, {
    get(target, key) {
      if (key === 'apply') return apply;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const budgets = new WeakMap<object, CommandBudget>();
function budgetFor(caller: Caller): CommandBudget {
  let l = budgets.get(caller.services);
  if (!l) {
    const { commandsPerUserPerMinute, commandsPerChatPerMinute } = caller.services.config.limits;
    budgets.set(caller.services, (l = new CommandBudget({ perUser: commandsPerUserPerMinute, perChat: commandsPerChatPerMinute })));
  }
  return l;
}

/**
 * Run a typed command line; refuses oversized input with a sentence. Always a reply: for the terminal, the CLI
 * and tests. Chat platforms use `dispatchLine`, which stays silent after the first refusal unless it must answer all.
 */
export function runCommandLine(text: string, ctx: CommandContext): Promise<Reply> {
  return dispatchLine(text, ctx, { isAdmin: () => ctx.isAdmin, answerAll: true });
}

export type { CommandDef, CommandContext, Args };
