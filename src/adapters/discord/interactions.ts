/**
 * Answers interactions: slash commands run through `commands/` and answered with an embed, buttons run their
 * command line and update the message they sit on, autocomplete offers the assets the market knows and the windows
 * the command takes. This is the adapter's error boundary for incoming work: nothing thrown here reaches discord.js.
 */
import {
  ApplicationCommandOptionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type TopLevelComponent,
} from 'discord.js';
import { answerPosted, answersPrivately, dispatch, dispatchLine, findCommand, internalErrorReply, type AnswerAllOptions } from '../../../commands/index.js';
import { parseAnyWindow, visible } from '../../../commands/parse.js';
import type { CommandDef, CommandReply, OptionSpec, PostsToRefusal } from '../../../commands/types.js';
import type { WindowName } from '../../../config/windows.js';
import { errorReply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import type { Services } from '../../service.js';
import { channelOf, toArgs, toCaller } from './context.js';
import { INTERACTION_EXPIRED, translateError } from './errors.js';
import { isServerAdmin, missingAlertPermissions } from './permissions.js';
import { renderImage, toDiscordMessage, type DiscordMessage } from './render.js';

const log = logger('discord');

/**
 * Discord drops an interaction not answered within 3 s. A command still running after this long is deferred
 * ("liqbot is thinking…") and its reply edited in; one whose reply carries a chart is deferred at once.
 */
export const DEFER_AFTER_MS = 1500;
const MAX_CHOICES = 25;

export interface InteractionOptions {
  /** How long a command may run before it is deferred. Default DEFER_AFTER_MS. */
  deferAfterMs?: number;
}

/** The discord.js payload for a rendered reply: no mention is ever parsed, old attachments are replaced. */
function payload(msg: DiscordMessage) {
  return {
    embeds: msg.embeds,
    components: msg.components,
    files: msg.image ? [{ attachment: msg.image.data, name: msg.image.name, description: msg.image.description }] : [],
    allowedMentions: { parse: [] },
  };
}
const ephemeralFlag = { flags: MessageFlags.Ephemeral } as const;

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

/** A slash command's public answer as posted: the reply and its message id. */
interface Posted {
  reply: CommandReply;
  messageId: string;
}

/**
 * Produce a reply and answer with it: a new message (`reply` mode, slash commands) or the message the button sits
 * on (`update` mode). Defers when the reply is slow or has a chart to render, privately when the answer is known to
 * be private (`privately`), in public otherwise: Discord keeps a deferred reply's visibility, so an answer whose
 * visibility turns out otherwise replaces a slash command's placeholder with a follow-up of its own. An ephemeral
 * reply (an error, a settings change) is shown only to the caller, and never replaces a public message. Resolves
 * with a slash command's public answer as posted (its message id read back), else undefined.
 */
async function respond(
  interaction: Answerable,
  mode: 'reply' | 'update',
  produce: () => Promise<CommandReply>,
  privately: boolean,
  deferAfterMs: number,
): Promise<Posted | undefined> {
  let deferral: Promise<unknown> | undefined;
  let deferredEphemeral = false;
  const defer = (ephemeral: boolean): Promise<unknown> => {
    if (!deferral) {
      deferredEphemeral = ephemeral;
      const started: Promise<unknown> =
        mode === 'update' && !ephemeral ? (interaction as ButtonInteraction).deferUpdate() : interaction.deferReply(ephemeral ? ephemeralFlag : {});
      started.catch(() => undefined); // awaited below; a failure surfaces there
      deferral = started;
    }
    return deferral;
  };
  const timer = setTimeout(() => void defer(privately), deferAfterMs);
  let reply: CommandReply;
  try {
    reply = await produce();
  } finally {
    clearTimeout(timer);
  }
  if (reply.image) void defer(reply.ephemeral === true);
  if (deferral) await deferral;
  const msg = toDiscordMessage(reply, await renderImage(reply.image));
  const body = payload(msg);
  const posted = (messageId: string | undefined): Posted | undefined => (mode === 'reply' && !msg.ephemeral && messageId ? { reply, messageId } : undefined);
  if (!deferral) {
    if (mode === 'update' && !msg.ephemeral) {
      await (interaction as ButtonInteraction).update({ ...body, attachments: [] });
      return undefined;
    }
    const answered = await interaction.reply({ ...(msg.ephemeral ? { ...body, ...ephemeralFlag } : body), withResponse: true });
    return posted(answered.resource?.message?.id);
  }
  if (msg.ephemeral !== deferredEphemeral) {
    // Deferred with the other visibility: a slash command's placeholder goes, and the answer comes as a follow-up with
    // its own (while the placeholder shows "thinking…", Discord would make the follow-up the reply, with the defer's).
    if (mode === 'reply') await interaction.deleteReply();
    const sent = await interaction.followUp(msg.ephemeral ? { ...body, ...ephemeralFlag } : body);
    return posted(sent.id);
  }
  const edited = await interaction.editReply({ ...body, attachments: [] });
  return posted(edited.id);
}

function specFor(cmd: CommandDef | undefined, sub: string | undefined | null): readonly OptionSpec[] {
  if (!cmd) return [];
  if (cmd.subcommands?.length) return cmd.subcommands.find((s) => s.name === sub)?.options ?? [];
  return cmd.options ?? [];
}

/**
 * Before an admin points alerts at channels (the places the command says it will post to), check each is this
 * server's and the bot may post there; what is wrong is handed back for the dispatcher to say, and nothing changes.
 */
async function checkPostsTo(client: Client, interaction: ChatInputCommandInteraction, targets: readonly string[]): Promise<PostsToRefusal | undefined> {
  const guildId = interaction.guildId;
  if (!guildId) return undefined;
  for (const target of targets) {
    const channelId = channelOf(target);
    if (channelId === undefined) continue;
    const missing = await missingAlertPermissions(client, guildId, channelId);
    if (missing !== undefined && missing !== 'elsewhere' && !missing.length) continue;
    const name = nameOf(interaction.options.resolved?.channels?.get(channelId)) ?? nameOf(client.channels.cache.get(channelId));
    const problem = missing === undefined ? { problem: 'unchecked' as const } : missing === 'elsewhere' ? { problem: 'elsewhere' as const } : { problem: 'missing' as const, permissions: missing };
    return { target, ...(name ? { shownAs: `#${name}` } : {}), ...problem };
  }
  return undefined;
}

const nameOf = (channel: unknown): string | undefined =>
  channel && typeof channel === 'object' && 'name' in channel && typeof channel.name === 'string' && channel.name ? channel.name : undefined;

async function onCommand(client: Client, services: Services, interaction: ChatInputCommandInteraction, deferAfterMs: number): Promise<void> {
  const cmd = findCommand(interaction.commandName);
  const args = toArgs(interaction.options.data, (sub) => specFor(cmd, sub));
  const caller = toCaller(interaction, services);
  log.debug({ command: interaction.commandName, sub: args.sub, chat: caller.chat.key }, 'discord: command');
  // Every command is answered, one over budget too (privately, in a line with the seconds left: Discord would tell the
  // caller that the application did not respond). Interaction answers cost no shared limit: a flood costs other chats nothing.
  const opts: AnswerAllOptions = { isAdmin: () => isAdminHere(interaction), checkPostsTo: (targets) => checkPostsTo(client, interaction, targets), answerAll: true };
  const privately = cmd !== undefined && answersPrivately(cmd, args, caller.chat, isAdminHere(interaction));
  const posted = await respond(interaction, 'reply', () => dispatch(interaction.commandName, args, caller, opts), privately, deferAfterMs);
  // The answer's message exists only now: named as the sender's refs are (`<channel>:<message>`).
  if (posted && interaction.channelId) answerPosted(caller, posted.reply, `${interaction.channelId}:${posted.messageId}`);
}

/** The platform's one answer to the dispatcher: does the caller administer this server (yes in DMs). */
const isAdminHere = (interaction: Interaction): boolean => isServerAdmin(interaction.inGuild(), interaction.memberPermissions);

/**
 * A button's custom_id is the command line it runs (`liqs ETH 4h`); its answer replaces the message. Only the
 * custom_id of a button the message carries runs (as on Telegram): a command line of the sender's own choosing would
 * replace the message with its answer.
 */
async function onButton(services: Services, interaction: ButtonInteraction, deferAfterMs: number): Promise<void> {
  const caller = toCaller(interaction, services);
  log.debug({ line: interaction.customId, chat: caller.chat.key }, 'discord: button');
  const line = interaction.customId;
  const run = carriesButton(interaction.message.components, line) ? () => dispatchLine(line, caller, { isAdmin: () => isAdminHere(interaction), answerAll: true }) : () => Promise.resolve(errorReply(NOT_ON_MESSAGE));
  await respond(interaction, 'update', run, false, deferAfterMs);
}

/** The answer to a press whose custom_id no button of the message carries (forged, or a button since replaced). */
const NOT_ON_MESSAGE = 'That button is not on this message (any more). Press one that is, or send the command again.';

/** Whether `customId` is one of the buttons in `components` (the message's rows, as the interaction carries them). */
function carriesButton(components: readonly TopLevelComponent[], customId: string): boolean {
  return components.some((row) => 'components' in row && row.components.some((c) => 'customId' in c && c.customId === customId));
}

/** What autocomplete offers from: the assets the market knows, and the windows the commands take. */
export interface SuggestionPools {
  assets: readonly string[];
  windows: readonly WindowName[];
  defaultWindow: WindowName;
}

/**
 * Choices for the option being typed: known assets for asset options, fixed choices otherwise, and for a window what
 * is typed as the window the command reads it as (`90m`; `1.5h` is `90m`; a bare number in each unit), when it takes
 * it (5m to 7d). What is typed is never offered as it is: every choice is a name the bot made.
 */
export function suggestions(cmd: CommandDef | undefined, sub: string | null, option: string, typed: string, pools: SuggestionPools): string[] {
  const spec = specFor(cmd, sub).find((o) => o.name === option);
  if (!spec) return [];
  const pool = spec.kind === 'asset' ? pools.assets : (spec.choices ?? []);
  const q = visible(typed).trim().toLowerCase();
  const starts = pool.filter((a) => a.toLowerCase().startsWith(q));
  const contains = pool.filter((a) => !a.toLowerCase().startsWith(q) && a.toLowerCase().includes(q));
  const tries = spec.kind !== 'window' || !q ? [] : /^\d{1,4}$/.test(q) ? [`${q}m`, `${q}h`, `${q}d`] : [q];
  const windows = tries.flatMap((t) => {
    const w = parseAnyWindow(t, pools.windows, pools.defaultWindow);
    return w.ok ? [w.value.name] : [];
  });
  return [...new Set([...windows, ...starts, ...contains])].slice(0, MAX_CHOICES);
}

async function onAutocomplete(services: Services, interaction: AutocompleteInteraction): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const cmd = findCommand(interaction.commandName);
  const sub = cmd?.subcommands?.length ? interaction.options.getSubcommand(false) : null;
  const typed = focused.type === ApplicationCommandOptionType.String ? focused.value : String(focused.value);
  const { windows, defaultWindow } = services.config;
  const list = suggestions(cmd, sub, focused.name, typed, { assets: services.market.knownAssets(), windows, defaultWindow });
  await interaction.respond(list.map((a) => ({ name: a, value: a })));
}

/**
 * The error, privately. After a slash command's public defer its "thinking…" placeholder goes first: the first
 * follow-up after a defer would take it over, with the defer's visibility (public). When it cannot be deleted, the
 * follow-up still goes: it is then what ends the placeholder.
 */
async function answerFailure(interaction: ButtonInteraction | ChatInputCommandInteraction): Promise<void> {
  const body = { ...payload(toDiscordMessage(internalErrorReply())), ...ephemeralFlag };
  if (!interaction.deferred) {
    await interaction.reply(body);
    return;
  }
  if (interaction.isChatInputCommand() && !interaction.ephemeral) {
    await interaction.deleteReply().catch((err: unknown) => log.warn({ id: interaction.id, error: translateError(err, 'deleting the placeholder').message }, 'discord: could not delete the "thinking…" placeholder; the error answer replaces it'));
  }
  await interaction.followUp(body);
}

/** The `interactionCreate` listener. */
export function interactionHandler(client: Client, services: Services, opts: InteractionOptions = {}): (interaction: Interaction) => Promise<void> {
  const deferAfterMs = opts.deferAfterMs ?? DEFER_AFTER_MS;
  return async (interaction) => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(client, services, interaction, deferAfterMs);
      else if (interaction.isButton()) await onButton(services, interaction, deferAfterMs);
      else if (interaction.isAutocomplete()) await onAutocomplete(services, interaction);
    } catch (err) {
      const e = translateError(err, `answering interaction ${interaction.id}`);
      if (e.details.code === INTERACTION_EXPIRED) {
        log.warn({ id: interaction.id }, 'discord: interaction expired before it was answered (over 3 s); is the host overloaded?');
        return;
      }
      log.error({ err: e, id: interaction.id, type: interaction.type }, 'discord: failed to answer an interaction');
      if ((interaction.isChatInputCommand() || interaction.isButton()) && !interaction.replied) await answerFailure(interaction).catch(() => undefined);
    }
  };
}
