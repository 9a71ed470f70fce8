/**
 * What a command is: its options (typed for Discord's slash commands, positional for text platforms) and a
 * handler that returns a platform-neutral Reply. No command knows which platform it serves.
 */
import type { ChannelProblem } from '../src/replies/channels.js';
import type { Reply } from '../src/replies/reply.js';
import type { Services } from '../src/service.js';

export type Platform = 'telegram' | 'discord' | 'terminal';

export type OptionKind = 'asset' | 'window' | 'text' | 'number' | 'level' | 'channel';

export interface OptionSpec {
  name: string;
  description: string;
  kind: OptionKind;
  required?: boolean;
  /** Fixed choices (shown as choices on Discord). */
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** On text platforms, take every remaining word (a label). */
  rest?: boolean;
}

export interface SubcommandSpec {
  name: string;
  description: string;
  options: readonly OptionSpec[];
  /** Changes chat settings: only chat admins may run it. */
  admin?: boolean;
  /**
   * Answered to the caller alone where the platform can (Discord's ephemeral messages): an admin's settings change
   * is confirmed to that admin, and the group sees what it changed where it shows (`/levels`, the alerts). What the
   * group decides together (a proposal's card) is answered in public.
   */
  private?: boolean;
}

export interface ChatInfo {
  /** `${platform}:${id}`: the chat (Telegram) or server (Discord) settings belong to. */
  key: string;
  platform: Platform;
  kind: 'private' | 'group' | 'channel' | 'guild' | 'terminal';
  /** Where this conversation happens: a Telegram topic thread, a Discord channel. */
  target?: string;
  /** The chat keeps no settings of its own (a Discord DM: levels and alerts belong to a server): a command that changes some is refused. */
  noSettings?: boolean;
}

export interface CommandContext {
  chat: ChatInfo;
  user: { id: string; name?: string };
  /** Whether the caller administers this chat (the adapter asks its platform). */
  isAdmin: boolean;
  now: number;
  services: Services;
  /**
   * The message the command came in (a typed command) or the one a pressed button sits under (`button`), as the
   * platform writes a message ref (Telegram `<chat>:<message>`, Discord `<channel>:<message>`); absent when the
   * platform has none yet (a Discord slash command) or on the terminal.
   */
  message?: { ref: string; button?: boolean };
}

/** Raw option values as the user gave them, by option name; commands validate them with core/parse. */
export interface Args {
  sub?: string;
  values: Record<string, string | undefined>;
  /** Words typed after the last option (`/levels eth 2350`): not used, and the reply says so. */
  extra?: string[];
}

/**
 * A command's answer: the neutral Reply, and for a proposal's card the proposal it shows (its id), so a platform that
 * learns the card's message only once it is posted (a Discord slash command) hands it back (`answerPosted` in index.ts).
 */
export interface CommandReply extends Reply {
  proposal?: string;
}

/**
 * Why a platform refuses a place a command would post alerts to (`CommandDef.postsTo`, checked by
 * `DispatchOptions.checkPostsTo`): `shownAs` is the name the platform shows it by (`#liquidations`), when it knows it.
 */
export type PostsToRefusal = { target: string; shownAs?: string } & ChannelProblem;

export interface CommandDef {
  name: string;
  description: string;
  /** Options of a command without subcommands. */
  options?: readonly OptionSpec[];
  subcommands?: readonly SubcommandSpec[];
  /** The whole command changes settings (admins only). Subcommands may say so individually. */
  admin?: boolean;
  /** The whole command answers the caller alone (as `SubcommandSpec.private`). */
  private?: boolean;
  /** Usage lines for /help, without the slash: `liqs [asset] [window]`. */
  usage: readonly string[];
  /** What the reply's words mean, a line each: a word and what it says (`['testing', 'price is at…']`), or a sentence. */
  guide?: readonly (string | readonly [word: string, meaning: string])[];
  /**
   * A change typed with words it does not take is refused (never made with them dropped); this says what the words
   * may have meant, where the usage line would not (`/alerts off eth`: how to stop one asset's alerts).
   */
  extraHint?(args: Args): string | undefined;
  /**
   * Where the chat's alerts will post once this runs (subscription targets: `channel:<id>` on Discord), read as the
   * command reads them, so a platform checks it may post there before anything changes. None: it points alerts nowhere.
   */
  postsTo?(ctx: CommandContext, args: Args): readonly string[];
  run(ctx: CommandContext, args: Args): CommandReply | Promise<CommandReply>;
}
