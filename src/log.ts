/**
 * Structured, namespaced logs (pino). Tokens and secrets are redacted by key and by value, so a token
 * that slips into an error message is never written out.
 */
import pino, { type Logger } from 'pino';

const SECRET_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'botToken'];
const secrets = new Set<string>();

/** Register secret values (tokens from the environment) to scrub from every log line. */
export function registerSecrets(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= 8) secrets.add(v);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
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
      streamWrite: (s) => (secrets.size ? scrub(s) : s),
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
