/**
 * Answers interactions: slash commands run through `commands/` and answered with an embed, buttons run their
 * command line and update the message they sit on, autocomplete offers the assets the market knows. This is the
 * adapter's error boundary for incoming work: nothing thrown here reaches discord.js.
 */
import {
  ApplicationCommandOptionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
} from 'discord.js';
import { adminParts, dispatch, dispatchLine, findCommand, internalErrorReply, needsAdmin } from '../../../commands/index.js';
import type { Args, CommandContext, CommandDef, OptionSpec } from '../../../commands/types.js';
import { errorReply, type Reply } from '../../replies/reply.js';
import { logger } from '../../log.js';
import type { Services } from '../../service.js';
import { toArgs, toCaller } from './context.js';
import { INTERACTION_EXPIRED, translateError } from './errors.js';
import { isServerAdmin, missingAlertPermissions } from './permissions.js';
import { renderImage, shorten, toDiscordMessage, type DiscordMessage } from './render.js';

const log = logger('discord');

/**
 * Discord drops an interaction not answered within 3 s. A command still running after this long is deferred
 * ("liqbot is thinking…") and its reply edited in; one whose reply carries a chart is deferred at once.
 */
export const DEFER_AFTER_MS = 1500;
const MAX_CHOICES = 25;

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

/**
 * Produce a reply and answer with it: a new message (`reply` mode, slash commands) or the message the button sits
 * on (`update` mode). Defers when the reply is slow or has a chart to render; an ephemeral reply (an error, a
 * settings change) is shown only to the caller, and never replaces a public message.
 */
async function respond(interaction: Answerable, mode: 'reply' | 'update', produce: () => Promise<Reply | undefined>, guessEphemeral: boolean): Promise<void> {
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
  const timer = setTimeout(() => void defer(guessEphemeral), DEFER_AFTER_MS);
  let reply: Reply | undefined;
  try {
    reply = await produce();
  } finally {
    clearTimeout(timer);
  }
  if (!reply) {
    // Over budget and already told: no answer (Discord shows only the caller that nothing came).
    if (deferral) {
      await deferral;
      if (mode === 'reply') await interaction.deleteReply();
    }
    return;
  }
  if (reply.image) void defer(reply.ephemeral === true);
  if (deferral) await deferral;
  const msg = toDiscordMessage(reply, await renderImage(reply.image));
  const body = payload(msg);
  if (!deferral) {
    if (mode === 'update' && !msg.ephemeral) await (interaction as ButtonInteraction).update({ ...body, attachments: [] });
    else await interaction.reply(msg.ephemeral ? { ...body, ...ephemeralFlag } : body);
    return;
  }
  if (msg.ephemeral && !deferredEphemeral) {
    // Deferred in public but the answer is private: drop the placeholder (a slash command's) and answer privately.
    if (mode === 'reply') await interaction.deleteReply();
    await interaction.followUp({ ...body, ...ephemeralFlag });
    return;
  }
  await interaction.editReply({ ...body, attachments: [] });
}

function specFor(cmd: CommandDef | undefined, sub: string | undefined | null): readonly OptionSpec[] {
  if (!cmd) return [];
  if (cmd.subcommands?.length) return cmd.subcommands.find((s) => s.name === sub)?.options ?? [];
  return cmd.options ?? [];
}

/**
 * Before an admin points alerts at a channel, check it is this server's and the bot may post there; a missing
 * permission is named (checked for every `channel` option, so any command that takes a channel gets it).
 */
async function checkChannels(client: Client, interaction: ChatInputCommandInteraction, cmd: CommandDef, args: Args, ctx: CommandContext): Promise<Reply | undefined> {
  const guildId = interaction.guildId;
  if (!guildId || !ctx.isAdmin) return undefined;
  for (const spec of specFor(cmd, args.sub).filter((o) => o.kind === 'channel')) {
    const option = interaction.options.get(spec.name);
    const channelId = option?.value !== undefined ? String(option.value) : undefined;
    if (!channelId) continue;
    const name = option?.channel?.name ? `#${option.channel.name}` : 'that channel';
    const missing = await missingAlertPermissions(client, guildId, channelId);
    if (missing === undefined) return errorReply(`I could not check ${name} with Discord just now.`, 'Try again in a moment.');
    if (missing === 'elsewhere') return errorReply(`${name} is not a channel of this server.`, "Pick one of this server's channels.");
    if (missing.length) {
      return errorReply(
        `I can't post in ${name}: missing ${missing.join(', ')}.`,
        `Give liqbot ${missing.length > 1 ? 'these permissions' : 'this permission'} in the channel's settings (Permissions) or on its role, then run /${cmd.name}${args.sub ? ` ${args.sub}` : ''} again.`,
      );
    }
  }
  return undefined;
}

/** Commands with parts that change a server's settings (/level, /alerts) answer only in a server, whatever was registered. */
function serverOnly(cmd: CommandDef, inGuild: boolean): Reply | undefined {
  if (inGuild || adminParts(cmd) === 'none') return undefined;
  return errorReply(`/${cmd.name} works in a server, for that server's channels.`, 'Run it in your server; here you can use /liqs, /levels and /oi.');
}

async function onCommand(client: Client, services: Services, interaction: ChatInputCommandInteraction): Promise<void> {
  const cmd = findCommand(interaction.commandName);
  const args = toArgs(interaction.options.data);
  const caller = toCaller(interaction, services);
  log.debug({ command: interaction.commandName, sub: args.sub, chat: caller.chat.key }, 'discord: command');
  const check = async (c: CommandDef, a: Args, full: CommandContext) => serverOnly(c, interaction.inGuild()) ?? (await checkChannels(client, interaction, c, a, full));
  // A settings change is answered privately: defer it privately too.
  const likelyEphemeral = cmd !== undefined && needsAdmin(cmd, args);
  await respond(interaction, 'reply', () => dispatch(interaction.commandName, args, caller, { isAdmin: () => isAdminHere(interaction), check }), likelyEphemeral);
}

/** The platform's one answer to the dispatcher: does the caller administer this server (yes in DMs). */
const isAdminHere = (interaction: Interaction): boolean => isServerAdmin(interaction.inGuild(), interaction.memberPermissions);

/** A button's custom_id is the command line it runs (`liqs ETH 4h`); its answer replaces the message. */
async function onButton(services: Services, interaction: ButtonInteraction): Promise<void> {
  const caller = toCaller(interaction, services);
  log.debug({ line: interaction.customId, chat: caller.chat.key }, 'discord: button');
  const check = async (c: CommandDef) => serverOnly(c, interaction.inGuild());
  await respond(interaction, 'update', () => dispatchLine(interaction.customId, caller, { isAdmin: () => isAdminHere(interaction), check }), false);
}

/** Choices for the option being typed: known assets for asset options, fixed choices otherwise. */
export function suggestions(cmd: CommandDef | undefined, sub: string | null, option: string, typed: string, knownAssets: readonly string[]): string[] {
  const spec = specFor(cmd, sub).find((o) => o.name === option);
  if (!spec) return [];
  const pool = spec.kind === 'asset' ? knownAssets : (spec.choices ?? []);
  const q = typed.trim().toLowerCase();
  const starts = pool.filter((a) => a.toLowerCase().startsWith(q));
  const contains = pool.filter((a) => !a.toLowerCase().startsWith(q) && a.toLowerCase().includes(q));
  // A window is suggested, not fixed: what is typed is offered as it is (`30m`), a bare number with its units.
  const typedWindow = spec.kind !== 'window' || !q || pool.includes(q) ? [] : /^\d{1,4}$/.test(q) ? [`${q}m`, `${q}h`, `${q}d`] : [shorten(q, 20, '')];
  return [...new Set([...typedWindow, ...starts, ...contains])].slice(0, MAX_CHOICES);
}

async function onAutocomplete(services: Services, interaction: AutocompleteInteraction): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const cmd = findCommand(interaction.commandName);
  const sub = cmd?.subcommands?.length ? interaction.options.getSubcommand(false) : null;
  const typed = focused.type === ApplicationCommandOptionType.String ? focused.value : String(focused.value);
  const list = suggestions(cmd, sub, focused.name, typed, services.market.knownAssets());
  await interaction.respond(list.map((a) => ({ name: a, value: a })));
}

/** The `interactionCreate` listener. */
export function interactionHandler(client: Client, services: Services): (interaction: Interaction) => Promise<void> {
  return async (interaction) => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(client, services, interaction);
      else if (interaction.isButton()) await onButton(services, interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(services, interaction);
    } catch (err) {
      const e = translateError(err, `answering interaction ${interaction.id}`);
      if (e.details.code === INTERACTION_EXPIRED) {
        log.warn({ id: interaction.id }, 'discord: interaction expired before it was answered (over 3 s); is the host overloaded?');
        return;
      }
      log.error({ err: e, id: interaction.id, type: interaction.type }, 'discord: failed to answer an interaction');
      if (interaction.isRepliable() && !interaction.replied) {
        const msg = toDiscordMessage(internalErrorReply());
        const body = { ...payload(msg), ...ephemeralFlag };
        await (interaction.deferred ? interaction.followUp(body) : interaction.reply(body)).catch(() => undefined);
      }
    }
  };
}
