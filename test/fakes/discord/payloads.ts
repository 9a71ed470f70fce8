/**
 * Discord payloads for the fake: snowflakes, users, guilds as GUILD_CREATE carries them, and the three
 * interactions liqbot answers (slash command, button, autocomplete) with every field discord.js 14.28 reads.
 */

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A real-looking snowflake (18–19 digits): timestamp, worker bits and an increment. */
export function snowflake(at = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return ((((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment)).toString();
}

/** A snowflake whose guild lands on `shard` of `count` (`(id >> 22) % count`). */
export function snowflakeOnShard(shard: number, count: number): string {
  for (let at = Date.now(); ; at++) {
    const id = snowflake(at);
    if (Number((BigInt(id) >> 22n) % BigInt(count)) === shard) return id;
  }
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export function user(id = snowflake(), username = `trader${id.slice(-4)}`, bot = false): FakeUser {
  return { id, username, global_name: bot ? null : username, discriminator: '0', avatar: null, ...(bot ? { bot: true } : {}) };
}

/** Permission bits the tests use. */
export const PERM = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  ManageGuild: 1n << 5n,
  UseApplicationCommands: 1n << 31n,
} as const;
export const MEMBER_PERMS = PERM.ViewChannel | PERM.SendMessages | PERM.ReadMessageHistory | PERM.UseApplicationCommands;
export const ADMIN_PERMS = MEMBER_PERMS | PERM.ManageGuild;
export const BOT_PERMS = PERM.ViewChannel | PERM.SendMessages | PERM.EmbedLinks | PERM.AttachFiles | PERM.ReadMessageHistory;

export interface FakeOverwrite {
  id: string;
  /** 0 role, 1 member. */
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface FakeChannel {
  id: string;
  guildId?: string;
  name: string;
  /** 0 text, 5 announcement, 2 voice. */
  type: number;
  overwrites?: FakeOverwrite[];
  /** REST answers 404 Unknown Channel (10003). */
  deleted?: boolean;
  /** REST answers 403 Missing Access (50001). */
  noAccess?: boolean;
  /** REST answers 403 Missing Permissions (50013). */
  noPermission?: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The bot's managed role in this guild. */
  botRoleId: string;
  everyonePermissions: bigint;
  botPermissions: bigint;
  channels: FakeChannel[];
  /** Not sent over the gateway (as in an outage): the client knows it only by asking REST. */
  offline?: boolean;
}

export function guild(name = 'Trading Floor', channelNames: string[] = ['general', 'liquidations'], id = snowflake()): FakeGuild {
  return {
    id,
    name,
    ownerId: snowflake(),
    botRoleId: snowflake(),
    everyonePermissions: MEMBER_PERMS,
    botPermissions: BOT_PERMS,
    channels: channelNames.map((n) => ({ id: snowflake(), guildId: id, name: n, type: 0 })),
  };
}

export function channelJson(c: FakeChannel) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    position: 0,
    flags: 0,
    ...(c.guildId ? { guild_id: c.guildId, permission_overwrites: c.overwrites ?? [], nsfw: false, parent_id: null, topic: null, rate_limit_per_user: 0, last_message_id: null } : {}),
  };
}

function role(id: string, name: string, permissions: bigint, position: number, managed = false) {
  return { id, name, permissions: permissions.toString(), position, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, managed, mentionable: false, icon: null, unicode_emoji: null, flags: 0 };
}

export function guildCreate(g: FakeGuild, bot: FakeUser) {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    roles: [role(g.id, '@everyone', g.everyonePermissions, 0), role(g.botRoleId, 'liqbot', g.botPermissions, 1, true)],
    emojis: [],
    stickers: [],
    channels: g.channels.map(channelJson),
    threads: [],
    members: [{ user: bot, roles: [g.botRoleId], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null }],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface Invoker {
  user: FakeUser;
  permissions: bigint;
  /** The member's nickname in the server. */
  nick?: string;
}

export const member = (u: FakeUser = user(), permissions: bigint = MEMBER_PERMS): Invoker => ({ user: u, permissions });
export const admin = (u: FakeUser = user(), permissions: bigint = ADMIN_PERMS): Invoker => ({ user: u, permissions });

interface Where {
  guild?: FakeGuild;
  channelId: string;
  invoker: Invoker;
}

function base(type: number, w: Where, applicationId: string) {
  const id = snowflake();
  const common = {
    id,
    application_id: applicationId,
    type,
    token: `itk_${id}_${Math.random().toString(36).slice(2)}`,
    version: 1,
    channel_id: w.channelId,
    app_permissions: (w.guild?.botPermissions ?? BOT_PERMS).toString(),
    locale: 'en-US',
    entitlements: [],
    attachment_size_limit: 8 * 1024 * 1024,
  };
  if (w.guild) {
    return {
      ...common,
      guild_id: w.guild.id,
      guild: { id: w.guild.id, locale: 'en-US', features: [] },
      guild_locale: 'en-US',
      channel: { id: w.channelId, type: 0, guild_id: w.guild.id, name: w.guild.channels.find((c) => c.id === w.channelId)?.name ?? 'general', permissions: w.invoker.permissions.toString(), flags: 0 },
      member: { user: w.invoker.user, roles: [], permissions: w.invoker.permissions.toString(), joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: w.invoker.nick ?? null, avatar: null },
      authorizing_integration_owners: { '0': w.guild.id },
      context: 0,
    };
  }
  return {
    ...common,
    channel: { id: w.channelId, type: 1, recipients: [w.invoker.user], flags: 0 },
    user: w.invoker.user,
    authorizing_integration_owners: { '0': w.invoker.user.id },
    context: 1,
  };
}

/** A command option as Discord sends it: 3 string, 10 number, 7 channel, 1 subcommand. */
export interface OptionJson {
  name: string;
  type: number;
  value?: string | number;
  focused?: boolean;
  options?: OptionJson[];
}

export const str = (name: string, value: string): OptionJson => ({ name, type: 3, value });
export const chan = (name: string, value: string): OptionJson => ({ name, type: 7, value });
export const sub = (name: string, options: OptionJson[] = []): OptionJson => ({ name, type: 1, options });

export function slashCommand(w: Where & { applicationId: string; name: string; options?: OptionJson[]; resolvedChannels?: FakeChannel[] }) {
  const data: Record<string, unknown> = { id: snowflake(), name: w.name, type: 1, options: w.options ?? [] };
  if (w.resolvedChannels?.length) {
    data.resolved = {
      channels: Object.fromEntries(w.resolvedChannels.map((c) => [c.id, { id: c.id, name: c.name, type: c.type, permissions: w.invoker.permissions.toString(), flags: 0 }])),
    };
  }
  return { ...base(2, w, w.applicationId), data };
}

export function autocomplete(w: Where & { applicationId: string; name: string; options: OptionJson[] }) {
  return { ...base(4, w, w.applicationId), data: { id: snowflake(), name: w.name, type: 1, options: w.options } };
}

/** A button click on `message` (the bot's own earlier message, as Discord sends it back). */
export function buttonClick(w: Where & { applicationId: string; customId: string; message: Record<string, unknown> }) {
  return { ...base(3, w, w.applicationId), data: { custom_id: w.customId, component_type: 2 }, message: w.message };
}
