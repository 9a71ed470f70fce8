/**
 * From a Discord interaction to what every command takes: the chat (a server's settings key `discord:<guild>`,
 * or `discord:dm:<user>` in DMs), the caller (named as the server shows them, without invisible characters), and
 * the option values as the strings a text platform would give (a channel option becomes `<#id>`; more words typed
 * into an asset option go to the options after it, as on a text platform). Whether the caller is an admin is
 * permissions.ts's answer.
 */
import { ApplicationCommandOptionType, type CommandInteractionOption, type Interaction } from 'discord.js';
import { optionWords, type Caller } from '../../../commands/index.js';
import { splitWords } from '../../../commands/parse.js';
import type { Args, ChatInfo, OptionSpec } from '../../../commands/types.js';
import type { Services } from '../../service.js';
import { shownName } from '../../replies/proposals.js';

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

/**
 * An asset is one word: words typed after it in its option (`eth 30m`, `eth last 4h`) fill the options after it that
 * were left empty, in order (a `rest` option takes what is left), and those left over are `extra`, read as a text
 * platform reads them (commands/index.ts `optionWords`).
 */
function spread(values: Record<string, string | undefined>, specs: readonly OptionSpec[]): string[] {
  const extra: string[] = [];
  specs.forEach((spec, i) => {
    if (spec.kind !== 'asset' || spec.rest) return;
    const typed = optionWords(specs, splitWords(values[spec.name] ?? ''));
    if (typed.length < 2) return;
    values[spec.name] = typed[0];
    const rest = typed.slice(1);
    for (const next of specs.slice(i + 1)) {
      if (!rest.length) break;
      if (values[next.name] !== undefined) continue;
      values[next.name] = next.rest ? rest.splice(0).join(' ') : rest.shift();
    }
    extra.push(...rest);
  });
  return extra;
}

/**
 * Discord's option tree (a subcommand holding its options, or the options themselves) as neutral Args; given the
 * options' specs (`specsOf(sub)`), words typed past an asset are read as a text platform reads them.
 */
export function toArgs(options: readonly CommandInteractionOption[], specsOf?: (sub: string | undefined) => readonly OptionSpec[]): Args {
  const first = options[0];
  const sub = first && first.type === ApplicationCommandOptionType.Subcommand ? first : undefined;
  const values: Record<string, string | undefined> = {};
  for (const o of sub ? (sub.options ?? []) : options) values[o.name] = optionValue(o);
  const extra = specsOf ? spread(values, specsOf(sub?.name)) : [];
  return { ...(sub ? { sub: sub.name } : {}), values, ...(extra.length ? { extra } : {}) };
}

/** Who asks where, for an interaction. */
export function toCaller(interaction: Interaction, services: Services): Caller {
  const guildId = interaction.guildId;
  const chat: ChatInfo = {
    key: chatKey(guildId, interaction.user.id),
    platform: 'discord',
    kind: guildId ? 'guild' : 'private',
  };
  // A DM keeps no settings: levels and alerts belong to a server.
  if (!guildId) chat.noSettings = true;
  if (interaction.channelId) chat.target = channelTarget(interaction.channelId);
  // The name the server shows (nickname, else global name, else username); one that shows nothing is not a name.
  const member = interaction.member;
  const shown = member && 'displayName' in member ? member.displayName : (member?.nick ?? interaction.user.displayName);
  const name = [shown, interaction.user.globalName, interaction.user.username].map(shownName).find(Boolean);
  const caller: Caller = { chat, user: { id: interaction.user.id, ...(name ? { name } : {}) }, now: services.now(), services };
  // A pressed button's message, named as the sender's refs are (`<channel>:<message>`): an alert can answer it later.
  if (interaction.isButton()) caller.message = { ref: `${interaction.message.channelId}:${interaction.message.id}`, button: true };
  return caller;
}
