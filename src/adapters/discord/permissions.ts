/**
 * Who is an admin of a server (Manage Server) and what the bot needs in an alerts channel (the invite link and its
 * permission integer are in docs/discord.md). Which commands need an admin is the command layer's (commands/index.ts `adminParts`):
 * Discord has no per-subcommand permissions, so commands that mix public and admin subcommands (`/level list`
 * vs `/level add`) are visible to everyone and checked by the dispatcher; only commands whose every part
 * changes settings are registered with `default_member_permissions`.
 */
import { DiscordAPIError, PermissionFlagsBits, type Client, type GuildBasedChannel, type PermissionsBitField } from 'discord.js';
import { adminParts } from '../../../commands/index.js';
import type { CommandDef } from '../../../commands/types.js';
import { logger } from '../../log.js';

const log = logger('discord');

/** What "admin of this chat" means on Discord: the Manage Server permission. */
export const ADMIN_PERMISSION = PermissionFlagsBits.ManageGuild;

/** What the bot needs in a channel it posts alerts to, with the names Discord's settings show. */
export const ALERT_CHANNEL_PERMISSIONS: readonly { flag: bigint; name: string }[] = [
  { flag: PermissionFlagsBits.ViewChannel, name: 'View Channel' },
  { flag: PermissionFlagsBits.SendMessages, name: 'Send Messages' },
  { flag: PermissionFlagsBits.EmbedLinks, name: 'Embed Links' },
  { flag: PermissionFlagsBits.AttachFiles, name: 'Attach Files' },
];

/** `default_member_permissions` for a command: Manage Server for all-admin commands (Discord hides them from members), open otherwise. */
export function defaultMemberPermissions(cmd: CommandDef): string | null {
  return adminParts(cmd) === 'all' ? ADMIN_PERMISSION.toString() : null;
}

/** In a server: Manage Server (Discord computes it, including Administrator and ownership). In DMs: yes. */
export function isServerAdmin(inGuild: boolean, memberPermissions: Readonly<PermissionsBitField> | null): boolean {
  if (!inGuild) return true;
  return memberPermissions?.has(ADMIN_PERMISSION) ?? false;
}

/** Names of the permissions in `ALERT_CHANNEL_PERMISSIONS` that `perms` lacks. */
export function missingNames(perms: Readonly<PermissionsBitField>): string[] {
  return ALERT_CHANNEL_PERMISSIONS.filter((p) => !perms.has(p.flag)).map((p) => p.name);
}

/**
 * The alert permissions the bot lacks in a channel, by name (`[]`: it may post). The channel is always asked of
 * Discord itself, never taken from the interaction's resolved data (which can name a channel of any server):
 * a channel of another server answers `'elsewhere'`, one the bot cannot see answers as missing View Channel.
 * `undefined` when Discord could not be asked: the caller refuses, since nothing was checked.
 */
export async function missingAlertPermissions(client: Client, guildId: string, channelId: string): Promise<string[] | 'elsewhere' | undefined> {
  try {
    const guild = client.guilds.cache.get(guildId) ?? (await client.guilds.fetch(guildId));
    const fetched = await client.channels.fetch(channelId, { force: true });
    if (!fetched) return ['View Channel'];
    if (!('guildId' in fetched) || fetched.guildId !== guildId) return 'elsewhere';
    const channel = fetched as GuildBasedChannel;
    const me = guild.members.me ?? (await guild.members.fetchMe());
    const perms = channel.permissionsFor(me);
    return missingNames(perms);
  } catch (err) {
    if (err instanceof DiscordAPIError && (err.code === 50001 || err.code === 10003)) return ['View Channel'];
    log.warn({ err, guild: guildId, channel: channelId }, 'discord: could not check the alerts channel; refusing it for now');
    return undefined;
  }
}
