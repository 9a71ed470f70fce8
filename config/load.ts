/**
 * Reads config/default.yaml, merges a user's override file over it, validates once and freezes.
 * Nothing else in the project parses config files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { parse, YAMLParseError } from 'yaml';
import { venueKey } from '../src/core/venues.js';
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
    throw new ConfigError(`config ${path}: not valid YAML: ${yamlProblem(err, text)}`, { cause: err });
  }
}

/** The most of a line a refusal quotes, around the column it points at. */
const QUOTED_LINE_CHARS = 80;

/**
 * A YAML syntax error on one line: yaml's reason and place, then the line it points at, quoted (its message puts that
 * line and a caret on lines of their own, which a one-line refusal cut off after "column 1:"). A place on a blank line
 * or past the last, where an unclosed `[` is found, quotes the last line with text before it.
 */
function yamlProblem(err: unknown, text: string): string {
  const reason = (err as Error).message.split('\n')[0]!.replace(/:$/, '');
  const at = err instanceof YAMLParseError ? err.linePos?.[0] : undefined;
  if (!at) return reason;
  const lines = text.split(/\r?\n/);
  const blank = (n: number) => !lines[n - 1]?.trim();
  let n = at.line;
  while (n > 1 && blank(n)) n--;
  const line = lines[n - 1] ?? '';
  const from = n === at.line ? Math.max(0, Math.min(at.col - 1 - QUOTED_LINE_CHARS / 2, line.length - QUOTED_LINE_CHARS)) : 0;
  const shown = `${from > 0 ? '…' : ''}${line.slice(from, from + QUOTED_LINE_CHARS)}${from + QUOTED_LINE_CHARS < line.length ? '…' : ''}`;
  if (n === at.line) return `${reason}: ${JSON.stringify(shown)}`;
  const where = lines.slice(at.line - 1).every((l) => !l.trim()) ? 'the end of the file' : 'a blank line';
  return `${reason} (${where}), after line ${n}: ${JSON.stringify(shown)}`;
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

/**
 * The venues liqbot sees, one name each (`venueKey`): those with a live feed (src/feeds/venues/registry.ts) and those
 * only a vendor's hourly totals report (src/feeds/vendor.ts).
 */
const KNOWN_VENUES = ['binance', 'bybit', 'okx', 'gate', 'htx', 'lighter', 'bitfinex', 'deribit', 'bitget', 'hyperliquid', 'bitmex', 'krakenfutures'];

/**
 * Keys of the per-asset and per-venue settings, and the assets of the default levels, that nothing would ever read:
 * a floor for "ETHH", a share for "bybitt", a level on an asset not tracked. Floors may stay for the defaults' assets
 * (a file narrowing `assets` keeps the defaults' floors). Venues are open (the vendor names venues it adds), so a
 * share is refused only when its name is a typo away from a known venue, or a venue's exchange id (`binanceusdm`:
 * shares are per venue, "binance").
 */
function unreadKeys(config: Config, defaults: unknown): string[] {
  const problems: string[] = [];
  const assets = config.assets;
  const assetList = `one of assets (${assets.join(', ')})`;
  const defaultAssets = settingsAt(defaults, []).assets;
  const floorAssets = new Set(['default', ...assets, ...(Array.isArray(defaultAssets) ? defaultAssets.map((a) => String(a).toUpperCase()) : [])]);
  for (const key of Object.keys(config.cascades.floorsUsd)) {
    if (!floorAssets.has(key)) problems.push(`cascades.floorsUsd.${key}: "${key}" must be ${assetList} or default${didYouMean(key, assets)}`);
  }
  const venues = [...new Set(['default', ...KNOWN_VENUES, ...config.exchanges.map(venueKey)])];
  for (const key of Object.keys(config.cascades.venueShares)) {
    if (venues.includes(key)) continue;
    if (venues.includes(venueKey(key))) problems.push(`cascades.venueShares.${key}: shares are per venue: write "${venueKey(key)}"`);
    else if (didYouMean(key, venues)) problems.push(`cascades.venueShares.${key}: "${key}" is no venue${didYouMean(key, venues)}`);
  }
  for (const [i, level] of config.levels.defaults.entries()) {
    if (!assets.includes(level.asset)) problems.push(`levels.defaults.${i}.asset: "${level.asset}" must be ${assetList}${didYouMean(level.asset, assets)}`);
  }
  return problems;
}

/** Every problem at once, on one line, so a file is mended in one go. */
function refusal(source: string, problems: readonly string[]): ConfigError {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  return new ConfigError(`${source}: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`);
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
    // A mistyped key names the setting it missed.
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      if (issue.code !== 'unrecognized_keys') return `${key}: ${issue.message}`;
      const siblings = Object.keys(settingsAt(defaults, issue.path));
      return `${key}: ${issue.keys.map((k) => `unknown key "${k}"${didYouMean(k, siblings)}`).join(', ')}`;
    });
    throw refusal(source, problems);
  }
  if (!result.data.windows.includes(result.data.defaultWindow)) {
    throw new ConfigError(`${source}: defaultWindow: "${result.data.defaultWindow}" must be one of windows (${result.data.windows.join(', ')})`);
  }
  const { historyDays, minHistoryDays } = result.data.cascades;
  if (minHistoryDays > historyDays) {
    throw new ConfigError(`${source}: cascades.minHistoryDays: ${minHistoryDays} must not exceed cascades.historyDays (${historyDays}): the history it waits for is never kept`);
  }
  const unread = unreadKeys(result.data, defaults);
  if (unread.length) throw refusal(source, unread);
  return deepFreeze(result.data);
}

/**
 * `exchanges` against the venues that have a live feed (src/feeds/venues/registry.ts, passed in: config knows no
 * feed): an id that has none is a mistake `start` stops on, with the id it was likely meant to be. `offline`: the
 * offline commands read whichever exchanges a file's events name, so a venue liqbot knows without a live feed
 * (`bitget`, a vendor's `binance`) passes there; an id of no venue at all is a typo all the same, said in the same words.
 */
export function checkExchanges(config: Config, supported: readonly string[], path?: string, offline = false): void {
  const known = (id: string) => supported.includes(id) || (offline && KNOWN_VENUES.includes(venueKey(id)));
  const unknown = [...new Set(config.exchanges)].filter((id) => !known(id));
  if (!unknown.length) return;
  const names = offline ? [...new Set([...supported, ...KNOWN_VENUES])] : supported;
  const each = unknown.map((id) => `"${id}" has no live feed${didYouMean(id, names)}`).join('; ');
  // Two venues ccxt has no public liquidations for come as a vendor's hourly totals instead (docs/feeds.md).
  const vendor = unknown.some((id) => id === 'bitget' || id === 'hyperliquid') ? '; Bitget and Hyperliquid come as hourly totals with COINALYZE_API_KEY' : '';
  throw new ConfigError(`${path ? `config ${path}` : 'config/default.yaml'}: exchanges: ${each} (liqbot watches ${supported.join(', ')}${vendor})`);
}

/** Load the defaults, with the file at `path` (if any) merged over them. */
export function loadConfig(path?: string): Config {
  return loadConfigFile(path).config;
}

/**
 * `loadConfig`, and the settings the file at `path` sets at its top level (none without a file): what a user chose,
 * not a default (the offline commands track only the assets a file names in `assets`, as the live bot does).
 */
export function loadConfigFile(path?: string): { config: Config; sets: ReadonlySet<string> } {
  if (!path) return { config: buildConfig({}, 'config/default.yaml'), sets: new Set() };
  const override = readYaml(path);
  if (!isPlainObject(override)) throw new ConfigError(`config ${path}: expected a mapping of keys at the top level`);
  return { config: buildConfig(override, path), sets: new Set(Object.keys(override)) };
}

/** What the build writes next to the bundle for the CLI's `readConfig` (config/defaults.ts). */
export function validatedDefaultsText(): string {
  return defaultsCacheText(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), loadConfig());
}

export type { Config };
