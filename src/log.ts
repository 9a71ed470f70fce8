/**
 * Structured, namespaced logs (pino). Tokens and secrets are redacted by key and by value, so a token
 * that slips into an error message is never written out.
 */
import pino, { type Logger } from 'pino';

const SECRET_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'botToken'];
const secrets = new Set<string>();

/**
 * The fewest characters a token, key or shared secret may have (env.ts refuses a shorter one as malformed, naming its
 * setting): no platform issues one that short, and a value that short is common text, which scrubbing wherever it
 * occurs would garble.
 */
export const MIN_SECRET_CHARS = 4;
/**
 * A password is a word a person chose, maybe one the logs say anyway (deploy/compose.scale.yaml's is `liqbot`): scrubbed
 * wherever it occurs from this length, and at any length inside a URL (`postgres://liqbot:[redacted]@db`), where a
 * library would quote it.
 */
const MIN_PASSWORD_CHARS = 8;

/** Register tokens, keys and shared secrets (from the environment) to scrub from every log line, wherever they occur. */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= MIN_SECRET_CHARS) secrets.add(v);
}

/** Register passwords (of service URLs) to scrub from every log line: see MIN_PASSWORD_CHARS. */
export function registerPasswords(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= MIN_PASSWORD_CHARS) secrets.add(v);
}

/** A password in a URL, `scheme://user:password@` (not across a JSON string's quotes; a token as the user is a secret). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/@:"\\]*:)[^\s/@"\\]*@/gi;

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out.replace(URL_PASSWORD, '$1[redacted]@');
}

// bin/liqbot.js prints an error no command caught with this scrub: it cannot import this module (the bundle and the
// sources each have their own instance, with its own secrets), so the one in use is published here.
(globalThis as Record<symbol, unknown>)[Symbol.for('liqbot.scrub')] = scrub;

/** pino's levels, and `silent`: what LOG_LEVEL may say. */
export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The process environment's LOG_LEVEL when it is one of them. .env is read later, by env(), which applies a LOG_LEVEL
 * set there and refuses one that is none, naming where it was set: pino given a level it does not know throws, here,
 * as the module loads, before anything could say which setting was wrong (a crash systemd restarts every 15 s).
 */
const asked = process.env.LOG_LEVEL?.trim();

const root: Logger = pino(
  {
    level: asked !== undefined && LOG_LEVELS.includes(asked) ? asked : process.env.VITEST ? 'silent' : 'info',
    base: undefined,
    redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
    hooks: {
      streamWrite: scrub,
    },
  },
  // Logs go to stderr, so stdout stays for replies, alerts and the CLI's output.
  pino.destination(2),
);

/** Change the level at run time: LOG_LEVEL from .env (env.ts), the terminal prompt's errors-only default (main.ts). */
export function setLogLevel(level: string): void {
  root.level = level;
}

/** A logger for one part of the bot, e.g. `logger('feeds:bybit')`. */
export function logger(ns: string): Logger {
  return root.child({ ns });
}

export type { Logger };
