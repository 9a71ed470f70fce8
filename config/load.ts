/**
 * Reads config/default.yaml, merges a user's override file over it, validates once and freezes.
 * Nothing else in the project parses config files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { parse } from 'yaml';
import { deepFreeze, defaultsCacheText } from './defaults.js';
import { ConfigError } from './error.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../config/default.yaml', import.meta.url));

export { ConfigError };

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  try {
    return parse(text) ?? {};
  } catch (err) {
    throw new ConfigError(`config ${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys that would reach an object's prototype when merged (`__proto__: {…}` in a YAML file). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first forbidden key in `v`, if any ("cascades.floorsUsd.__proto__"). */
function forbiddenKey(v: unknown, path: string[] = []): string | undefined {
  if (Array.isArray(v)) {
    for (const [i, inner] of v.entries()) {
      const found = forbiddenKey(inner, [...path, String(i)]);
      if (found) return found;
    }
  } else if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return [...path, k].join('.');
      const found = forbiddenKey(v[k], [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

const MAX_PROBLEMS_SHOWN = 5;

/** The defaults' object at a path (`levels`), whose keys are the settings there. */
function settingsAt(defaults: unknown, path: readonly PropertyKey[]): Record<string, unknown> {
  let at: unknown = defaults;
  for (const k of path) at = isPlainObject(at) ? at[String(k)] : undefined;
  return isPlainObject(at) ? at : {};
}

/** ` (did you mean "breakBufferPct"?)` for `breakBuferPct`: the nearest setting, when it is a typo away. */
export function didYouMean(key: string, settings: readonly string[]): string {
  const near = settings
    .map((s) => ({ s, d: distance(key.toLowerCase(), s.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(key.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  return near ? ` (did you mean "${near.s}"?)` : '';
}

/** Objects merge key by key; arrays and scalars in the override replace the default. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

/** Validate a plain object as a full config (defaults merged in first). */
export function buildConfig(override: unknown = {}, source = 'config'): Config {
  const bad = forbiddenKey(override);
  if (bad) throw new ConfigError(`${source}: ${bad}: "${bad.split('.').pop()}" is not a setting (and cannot be one)`);
  const defaults = readYaml(DEFAULT_CONFIG_PATH);
  const merged = merge(defaults, override);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    // Every problem at once, on one line, so a file is mended in one go; a mistyped key names the setting it missed.
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      if (issue.code !== 'unrecognized_keys') return `${key}: ${issue.message}`;
      const siblings = Object.keys(settingsAt(defaults, issue.path));
      return `${key}: ${issue.keys.map((k) => `unknown key "${k}"${didYouMean(k, siblings)}`).join(', ')}`;
    });
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
    throw new ConfigError(`${source}: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`);
  }
  if (!result.data.windows.includes(result.data.defaultWindow)) {
    throw new ConfigError(`${source}: defaultWindow: "${result.data.defaultWindow}" must be one of windows (${result.data.windows.join(', ')})`);
  }
  const { historyDays, minHistoryDays } = result.data.cascades;
  if (minHistoryDays > historyDays) {
    throw new ConfigError(`${source}: cascades.minHistoryDays: ${minHistoryDays} must not exceed cascades.historyDays (${historyDays}): the history it waits for is never kept`);
  }
  return deepFreeze(result.data);
}

/**
 * `exchanges` against the venues that have a live feed (src/feeds/venues/registry.ts, passed in: config knows no
 * feed): an id that has none is a mistake `start` stops on, with the id it was likely meant to be.
 */
export function checkExchanges(config: Config, supported: readonly string[], path?: string): void {
  const unknown = [...new Set(config.exchanges)].filter((id) => !supported.includes(id));
  if (!unknown.length) return;
  const each = unknown.map((id) => `"${id}" has no live feed${didYouMean(id, supported)}`).join('; ');
  // Two venues ccxt has no public liquidations for come as a vendor's hourly totals instead (docs/feeds.md).
  const vendor = unknown.some((id) => id === 'bitget' || id === 'hyperliquid') ? '; Bitget and Hyperliquid come as hourly totals with COINALYZE_API_KEY' : '';
  throw new ConfigError(`${path ? `config ${path}` : 'config/default.yaml'}: exchanges: ${each} (liqbot watches ${supported.join(', ')}${vendor})`);
}

/** Load the defaults, with the file at `path` (if any) merged over them. */
export function loadConfig(path?: string): Config {
  if (!path) return buildConfig({}, 'config/default.yaml');
  const override = readYaml(path);
  if (!isPlainObject(override)) throw new ConfigError(`config ${path}: expected a mapping of keys at the top level`);
  return buildConfig(override, path);
}

/** What the build writes next to the bundle for the CLI's `readConfig` (config/defaults.ts). */
export function validatedDefaultsText(): string {
  return defaultsCacheText(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), loadConfig());
}

export type { Config };
