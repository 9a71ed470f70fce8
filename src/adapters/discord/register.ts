/**
 * Slash commands generated from the same `commands/` modules every platform runs, and their registration
 * (`liqbot register`): globally, or to one test server (DISCORD_GUILD_ID) where changes show at once. The bot
 * checks them at start too (`syncCommands`) and registers them when they differ, so an upgrade needs no step.
 *
 * @example
 *   await registerCommands({ token, guildId: '123456789012345678' }); // → { scope: 'guild', count: 5, … }
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  REST,
  Routes,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type APIApplication,
  type ApplicationCommandData,
  type Client,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { ALL_COMMANDS } from '../../../commands/index.js';
import type { CommandDef, OptionSpec } from '../../../commands/types.js';
import { logger } from '../../log.js';
import { discordError, translateError } from './errors.js';
import { adminParts } from '../../../commands/index.js';
import { defaultMemberPermissions } from './permissions.js';

const log = logger('discord');

/** `/start` is Telegram's greeting convention; on Discord `/help` covers it. */
const NOT_ON_DISCORD = new Set(['start']);

/** Channels alerts can be posted to: text and announcement channels (no voice, forum or category). */
export const ALERT_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

const describe = (s: string) => (s.length > 100 ? `${s.slice(0, 99)}…` : s || '…');

/** One neutral option as a Discord option. Assets autocomplete from the market's known assets. */
export function slashOption(o: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: o.name, description: describe(o.description), required: o.required === true };
  const choices = o.choices?.slice(0, 25).map((c) => ({ name: c, value: c }));
  switch (o.kind) {
    case 'channel':
      return { ...base, type: ApplicationCommandOptionType.Channel, channel_types: [...ALERT_CHANNEL_TYPES] };
    case 'number': {
      const out: APIApplicationCommandBasicOption = { ...base, type: ApplicationCommandOptionType.Number };
      if (o.min !== undefined) out.min_value = o.min;
      if (o.max !== undefined) out.max_value = o.max;
      return out;
    }
    case 'asset':
      return choices ? { ...base, type: ApplicationCommandOptionType.String, choices } : { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
    case 'window':
      // Suggested, not fixed: any window from 5m to 7d may be typed (`30m`, `2h`), as on every platform.
      return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 20 };
    case 'level':
    case 'text':
      return choices ? { ...base, type: ApplicationCommandOptionType.String, choices } : { ...base, type: ApplicationCommandOptionType.String, max_length: 200 };
  }
}

/** Discord wants required options before optional ones; options are named, so the order is free to change. */
function slashOptions(options: readonly OptionSpec[] | undefined): APIApplicationCommandBasicOption[] {
  const list = (options ?? []).map(slashOption);
  return [...list.filter((o) => o.required), ...list.filter((o) => !o.required)];
}

/** The registration body for one command. */
export function slashCommand(cmd: CommandDef): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options: (APIApplicationCommandBasicOption | APIApplicationCommandSubcommandOption)[] = cmd.subcommands?.length
    ? cmd.subcommands.map((s) => ({ type: ApplicationCommandOptionType.Subcommand, name: s.name, description: describe(s.description), options: slashOptions(s.options) }))
    : slashOptions(cmd.options);
  return {
    type: ApplicationCommandType.ChatInput,
    name: cmd.name,
    description: describe(cmd.description),
    options,
    default_member_permissions: defaultMemberPermissions(cmd),
    // Settings belong to a server: commands that change them are not offered in DMs.
    // Commands that change a server's settings make sense only in a server.
    contexts: adminParts(cmd) !== 'none' ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** The JSON body of `PUT /applications/{id}/commands`: every command that makes sense on Discord. */
export function slashCommandData(commands: readonly CommandDef[] = ALL_COMMANDS): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.filter((c) => !NOT_ON_DISCORD.has(c.name)).map(slashCommand);
}

export interface RegisterOptions {
  token: string;
  /** DISCORD_APPLICATION_ID; asked from Discord (`GET /applications/@me`) when absent. */
  applicationId?: string;
  /** DISCORD_GUILD_ID: register to this one server only, where changes show at once (for testing). */
  guildId?: string;
  /** DISCORD_API_BASE, e.g. `http://127.0.0.1:8080/api` for a rate-limit proxy. Default: Discord's. */
  apiBase?: string;
  /** Remove every command from that scope instead (e.g. a test server's, once the commands are global). */
  clear?: boolean;
}

export interface RegisterResult {
  scope: 'global' | 'guild';
  applicationId: string;
  guildId?: string;
  /** Names of the commands now registered. */
  commands: string[];
}

/** Replace the bot's slash commands (a bulk overwrite: commands no longer defined disappear). */
export async function registerCommands(opts: RegisterOptions): Promise<RegisterResult> {
  const rest = new REST(opts.apiBase ? { api: opts.apiBase } : {}).setToken(opts.token);
  try {
    const applicationId = opts.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const body = opts.clear ? [] : slashCommandData();
    const route = opts.guildId ? Routes.applicationGuildCommands(applicationId, opts.guildId) : Routes.applicationCommands(applicationId);
    const saved = (await rest.put(route, { body })) as { name: string }[];
    const result: RegisterResult = { scope: opts.guildId ? 'guild' : 'global', applicationId, commands: saved.map((c) => c.name) };
    if (opts.guildId) result.guildId = opts.guildId;
    const where = opts.guildId ? `to server ${opts.guildId}` : 'globally (Discord clients may take a while to show changes)';
    log.info({ ...result }, opts.clear ? `discord: commands removed ${where}` : `discord: commands registered ${where}`);
    return result;
  } catch (err) {
    const e = translateError(err, opts.guildId ? `registering commands to server ${opts.guildId}` : 'registering commands');
    if (opts.guildId && e.details.code === 50001) {
      // Not a channel's View Channel, as the code reads when sending: the server is not one the bot is in (or it was
      // invited without the applications.commands scope).
      const head = e.message.replace(/: Missing Access: .*$/, '');
      throw discordError(`${head}: the bot is not in server ${opts.guildId}, or was invited without the applications.commands scope. Invite the bot to that server first (docs/discord.md has the invite URL), or unset DISCORD_GUILD_ID.`, 'unauthorized', e.details, err);
    }
    throw e;
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/**
 * At start: the commands Discord has for the bot (globally, or in the test server), replaced by one bulk overwrite
 * only when they differ from the ones defined here, as discord.js's `ApplicationCommand#equals` compares them
 * (options in order). A first start, and an upgrade that changed a command, need no `npm run register`.
 */
export async function syncCommands(client: Client<true>, guildId?: string): Promise<'unchanged' | 'registered'> {
  const data = slashCommandData();
  const have = await client.application.commands.fetch(guildId ? { guildId } : {});
  const same = have.size === data.length && data.every((d) => have.some((c) => c.name === d.name && c.equals(d as ApplicationCommandData, true)));
  if (same) return 'unchanged';
  const id = client.application.id;
  await client.rest.put(guildId ? Routes.applicationGuildCommands(id, guildId) : Routes.applicationCommands(id), { body: data });
  return 'registered';
}
