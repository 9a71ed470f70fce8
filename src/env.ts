/**
 * The environment (secrets, paths, ports), read once through dotenv and validated. Nothing else reads
 * process.env. Tokens are registered with the logger so they never appear in a log line.
 */
import { config as loadDotenv } from 'dotenv';
import * as z from 'zod/mini';
import { ConfigError } from '../config/load.js';
import { LOG_LEVELS, MIN_SECRET_CHARS, registerPasswords, registerSecrets, setLogLevel } from './log.js';

// zod's mini build, as in config/schema.ts (which sets its English messages): the bundle keeps only what is used.
const optional = z.pipe(
  z.optional(z.string()),
  z.transform((s: string | undefined) => (s && s.trim() ? s.trim() : undefined)),
);
/** A setting that, when set, passes `test` (else the message says what was expected). */
const checked = (test: (s: string) => boolean, expected: string) => optional.check(z.refine((s) => s === undefined || test(s), expected));
const url = checked((s) => /^https?:\/\/[^\s]+$/.test(s), 'an http(s) URL');
const port = checked((s) => /^\d{1,5}$/.test(s) && Number(s) > 0 && Number(s) < 65536, 'a port number 1–65535');
/** A token or key a service issues: never that short, and a value that short could not be kept out of the logs (log.ts). */
const token = (what: string) => checked((s) => s.length >= MIN_SECRET_CHARS, `${what} (${MIN_SECRET_CHARS} characters or more)`);

const schema = z.object({
  TELEGRAM_BOT_TOKEN: token('the bot token @BotFather gives'),
  TELEGRAM_API_ROOT: url,
  TELEGRAM_WEBHOOK_URL: url,
  TELEGRAM_WEBHOOK_SECRET: optional,
  TELEGRAM_WEBHOOK_PORT: port,
  TELEGRAM_WEBHOOK_HOST: optional,
  DISCORD_TOKEN: token('the bot token of the Discord Developer Portal'),
  DISCORD_APPLICATION_ID: optional,
  DISCORD_GUILD_ID: optional,
  DISCORD_API_BASE: url,
  DISCORD_SHARDS: checked((s) => s === 'auto' || (/^\d{1,3}$/.test(s) && Number(s) >= 1), '"auto" or a number of shards 1–999'),
  LIQBOT_DB: optional,
  LIQBOT_CONFIG: optional,
  LIQBOT_HTTP_PORT: port,
  LIQBOT_HTTP_HOST: checked((s) => /^[A-Za-z0-9.:[\]-]+$/.test(s), 'a host name or IP address (e.g. 0.0.0.0)'),
  LIQBOT_DATA_DIR: optional,
  LIQBOT_GIVE_UP_S: checked((s) => /^\d{1,6}$/.test(s) && Number(s) > 0, 'a number of seconds ≥ 1'),
  COINALYZE_API_KEY: token('the API key Coinalyze gives'),
  COINALYZE_BASE_URL: url,
  LIQBOT_DATABASE_URL: checked((s) => /^postgres(ql)?:\/\/[^\s]+$/.test(s), 'a postgres:// URL'),
  LIQBOT_NATS_STREAM: checked((s) => /^[A-Z][A-Z0-9_]{0,31}$/.test(s), 'a stream name in capitals, e.g. MKT'),
  LIQBOT_NATS_URL: checked((s) => /^(nats|tls):\/\/[^\s]+$|^[^\s/]+:\d+$/.test(s), 'a nats://host:port URL'),
  LIQBOT_LIVE_HOLD_MS: checked((s) => /^\d{4,6}$/.test(s) && Number(s) >= 1_000 && Number(s) <= 300_000, 'milliseconds from 1000 to 300000 (e.g. 15000)'),
  LIQBOT_GATEWAY_ID: checked((s) => /^[A-Za-z0-9_-]{1,64}$/.test(s), 'letters, digits, _ or - (e.g. gw-1)'),
  LOG_LEVEL: checked((s) => LOG_LEVELS.includes(s), `one of ${LOG_LEVELS.join(', ')}`),
});

export interface Env {
  telegram?: { token: string; apiRoot?: string; webhook?: { url: string; secret: string; port: number; host?: string } };
  discord?: { token: string; applicationId?: string; guildId?: string; apiBase?: string; shards?: number | 'auto' };
  dbPath: string;
  dataDir: string;
  configPath?: string;
  httpPort?: number;
  /** Address /healthz and /metrics bind to (127.0.0.1 unless set). */
  httpHost: string;
  /** With chat tokens set: exit non-zero when no chat platform could start within this time (ms). */
  giveUpMs: number;
  /** Vendor hourly liquidation totals (optional). */
  coinalyze?: { apiKey: string; baseUrl?: string };
  /** Scale-out: the shared PostgreSQL store (unset: the embedded SQLite file). */
  databaseUrl?: string;
  /** Scale-out: the NATS server whose JetStream carries the market stream between roles. */
  natsUrl?: string;
  /** The market stream's name (default MKT); its subjects start with the name in lower case. */
  natsStream?: string;
  /** Scale-out: the reorder hold a live ingest states for its batches (default 15 s; readers keep 5 min for a replay). */
  liveHoldMs?: number;
  /** Scale-out: this gateway's name (its stream consumer and message ids); default the host name. */
  gatewayId?: string;
  /** LOG_LEVEL, when set (env() applies it to the logger). */
  logLevel?: string;
}

let cached: Env | undefined;

/** The password inside a service URL, to keep it out of logs. */
function passwordOf(url: string | undefined): string | undefined {
  try {
    return url ? decodeURIComponent(new URL(url).password) || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** The level a near miss meant (`warning`, `Info`, `err`), for the refusal to name. */
function levelMeant(typed: string): string | undefined {
  const t = typed.trim().toLowerCase();
  return LOG_LEVELS.find((l) => t.startsWith(l) || l.startsWith(t));
}

/**
 * Parse an environment (default: process.env after loading .env). `fromEnvironment`: the settings the process
 * environment set (the others came from .env), so a refusal names the place to mend.
 */
export function parseEnv(source: Record<string, string | undefined>, fromEnvironment: ReadonlySet<string> = new Set()): Env {
  const r = schema.safeParse(source);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const key = i.path.join('.');
    // A level's value is no secret: the one meant is named.
    const meant = key === 'LOG_LEVEL' ? levelMeant(source[key] ?? '') : undefined;
    throw new ConfigError(`${fromEnvironment.has(key) ? 'the environment' : '.env'}: ${key}: expected ${i.message}${meant ? ` (did you mean "${meant}"?)` : ''}`);
  }
  const e = r.data;
  const dataDir = e.LIQBOT_DATA_DIR ?? './data';
  const out: Env = {
    dbPath: e.LIQBOT_DB ?? `${dataDir}/liqbot.db`,
    dataDir,
    httpHost: e.LIQBOT_HTTP_HOST ?? '127.0.0.1',
    giveUpMs: Number(e.LIQBOT_GIVE_UP_S ?? 300) * 1000,
  };
  if (e.LIQBOT_CONFIG) out.configPath = e.LIQBOT_CONFIG;
  if (e.LIQBOT_HTTP_PORT) out.httpPort = Number(e.LIQBOT_HTTP_PORT);
  if (e.TELEGRAM_BOT_TOKEN) {
    out.telegram = { token: e.TELEGRAM_BOT_TOKEN };
    if (e.TELEGRAM_API_ROOT) out.telegram.apiRoot = e.TELEGRAM_API_ROOT;
    if (e.TELEGRAM_WEBHOOK_URL) {
      // A webhook without a secret accepts forged updates: refuse to start (the adapter checks the same).
      // Telegram takes 1–256 characters; one shorter than MIN_SECRET_CHARS could not be kept out of the logs.
      if (!e.TELEGRAM_WEBHOOK_SECRET || !new RegExp(`^[A-Za-z0-9_-]{${MIN_SECRET_CHARS},256}$`).test(e.TELEGRAM_WEBHOOK_SECRET)) {
        throw new ConfigError(`.env: TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (${MIN_SECRET_CHARS}–256 characters: A–Z, a–z, 0–9, _ or -)`);
      }
      out.telegram.webhook = { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET, port: Number(e.TELEGRAM_WEBHOOK_PORT ?? 8443) };
      if (e.TELEGRAM_WEBHOOK_HOST) out.telegram.webhook.host = e.TELEGRAM_WEBHOOK_HOST;
    }
  }
  if (e.DISCORD_TOKEN) {
    out.discord = { token: e.DISCORD_TOKEN };
    if (e.DISCORD_APPLICATION_ID) out.discord.applicationId = e.DISCORD_APPLICATION_ID;
    if (e.DISCORD_GUILD_ID) out.discord.guildId = e.DISCORD_GUILD_ID;
    if (e.DISCORD_API_BASE) out.discord.apiBase = e.DISCORD_API_BASE;
    if (e.DISCORD_SHARDS) out.discord.shards = e.DISCORD_SHARDS === 'auto' ? 'auto' : Number(e.DISCORD_SHARDS);
  }
  if (e.COINALYZE_API_KEY) {
    out.coinalyze = { apiKey: e.COINALYZE_API_KEY };
    if (e.COINALYZE_BASE_URL) out.coinalyze.baseUrl = e.COINALYZE_BASE_URL;
  }
  if (e.LIQBOT_DATABASE_URL) out.databaseUrl = e.LIQBOT_DATABASE_URL;
  if (e.LIQBOT_NATS_URL) out.natsUrl = e.LIQBOT_NATS_URL;
  if (e.LIQBOT_NATS_STREAM) out.natsStream = e.LIQBOT_NATS_STREAM;
  if (e.LIQBOT_LIVE_HOLD_MS) out.liveHoldMs = Number(e.LIQBOT_LIVE_HOLD_MS);
  if (e.LIQBOT_GATEWAY_ID) out.gatewayId = e.LIQBOT_GATEWAY_ID;
  if (e.LOG_LEVEL) out.logLevel = e.LOG_LEVEL;
  registerSecrets(e.TELEGRAM_BOT_TOKEN, e.DISCORD_TOKEN, e.TELEGRAM_WEBHOOK_SECRET, e.COINALYZE_API_KEY);
  registerPasswords(passwordOf(e.LIQBOT_DATABASE_URL), passwordOf(e.LIQBOT_NATS_URL));
  return Object.freeze(out);
}

/**
 * The environment, after loading .env (a variable the process environment sets wins over .env). The logger was made
 * before .env was read, with the process environment's LOG_LEVEL when it is a level: one set in .env takes effect here,
 * and one that is no level (from either) is refused here.
 */
export function env(): Env {
  if (!cached) {
    const fromEnvironment = new Set(Object.keys(process.env));
    loadDotenv({ quiet: true });
    cached = parseEnv(process.env, fromEnvironment);
    if (cached.logLevel) setLogLevel(cached.logLevel);
  }
  return cached;
}
