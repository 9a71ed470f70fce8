/**
 * From a Discord interaction to what every command takes: the chat (a server's settings key `discord:<guild>`,
 * or `discord:dm:<user>` in DMs), the caller, and the option values as the strings a text platform would give
 * (a channel option becomes `<#id>`). Whether the caller is an admin is permissions.ts's answer.
 */
import { ApplicationCommandOptionType, type CommandInteractionOption, type Interaction } from 'discord.js';
import type { Caller } from '../../../commands/index.js';
import type { Args, ChatInfo } from '../../../commands/types.js';
import type { Services } from '../../service.js';

/** The settings key of the chat an interaction comes from. */
export function chatKey(guildId: string | null, userId: string): string {
  return guildId ? `discord:${guildId}` : `discord:dm:${userId}`;
}

/** A channel as a subscription target (`channel:<id>`), and back. */
export const channelTarget = (channelId: string): string => `channel:${channelId}`;
export function channelOf(target: string | undefined): string | undefined {
  return /^channel:(\d{5,25})$/.exec(target ?? '')?.[1];
}

/** The guild a chat key names (undefined for DMs and other platforms). */
export function guildOf(chat: string): string | undefined {
  return /^discord:(\d{5,25})$/.exec(chat)?.[1];
}

function optionValue(o: CommandInteractionOption): string | undefined {
  if (o.value === undefined) return undefined;
  if (o.type === ApplicationCommandOptionType.Channel) return `<#${String(o.value)}>`;
  return String(o.value);
}

/** Discord's option tree (a subcommand holding its options, or the options themselves) as neutral Args. */
export function toArgs(options: readonly CommandInteractionOption[]): Args {
  const first = options[0];
  if (first && first.type === ApplicationCommandOptionType.Subcommand) {
    return { sub: first.name, values: toArgs(first.options ?? []).values };
  }
  const values: Record<string, string | undefined> = {};
  for (const o of options) values[o.name] = optionValue(o);
  return { values };
}

/** Who asks where, for an interaction. */
export function toCaller(interaction: Interaction, services: Services): Caller {
  const guildId = interaction.guildId;
  const chat: ChatInfo = {
    key: chatKey(guildId, interaction.user.id),
    platform: 'discord',
    kind: guildId ? 'guild' : 'private',
  };
  if (interaction.guild?.name) chat.title = interaction.guild.name;
  if (interaction.channelId) chat.target = channelTarget(interaction.channelId);
  const member = interaction.member;
  const name = member && 'displayName' in member ? member.displayName : interaction.user.displayName;
  const caller: Caller = { chat, user: { id: interaction.user.id, name }, now: services.now(), services };
  // A pressed button's message, named as the sender's refs are (`<channel>:<message>`): an alert can answer it later.
  if (interaction.isButton()) caller.message = { ref: `${interaction.message.channelId}:${interaction.message.id}`, button: true };
  return caller;
}
