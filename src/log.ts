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

const root: Logger = pino(
  {
  // The process environment's LOG_LEVEL: .env is read later, by env(), which applies a LOG_LEVEL set there.
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
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
