/**
 * The offline commands' config without loading yaml or zod (~50 ms of a cold `liqbot liqs`: parsing 6 KB of
 * YAML and building the schema run cold, once per process). The build validates config/default.yaml once and
 * writes the result next to the bundle (dist/default-config.json) with the YAML text it was made from; the
 * bundle takes it while config/default.yaml still reads the same (the CLI's `readConfig`). An override file, an
 * edited default, or the sources run without the bundle go through `loadConfig`, which validates.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './schema.js';

/** Both this file and the bundle's chunks sit one folder below the project's root. */
export const DEFAULTS_CACHE = fileURLToPath(new URL('../dist/default-config.json', import.meta.url));
const DEFAULTS_YAML = fileURLToPath(new URL('../config/default.yaml', import.meta.url));
/** Only the bundle trusts the file: it was written by the same build, from the same schema. */
export const BUNDLED = /\/dist\/[^/]+\.js$/.test(import.meta.url);

export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const inner of Object.values(v)) deepFreeze(inner);
    Object.freeze(v);
  }
  return v;
}

/** The validated defaults the build wrote, if they were made from the YAML as it reads now. */
export function cachedDefaults(yamlPath = DEFAULTS_YAML, cachePath = DEFAULTS_CACHE): Config | undefined {
  let cache: { source?: unknown; config?: unknown };
  try {
    cache = JSON.parse(readFileSync(cachePath, 'utf8')) as typeof cache;
    if (cache.source !== readFileSync(yamlPath, 'utf8')) return undefined;
  } catch {
    return undefined; // no cache (sources, a build without it) or unreadable: validate instead
  }
  return typeof cache.config === 'object' && cache.config !== null ? deepFreeze(cache.config as Config) : undefined;
}

/** What the build writes: the defaults as `loadConfig()` validated them, and the YAML they came from. */
export function defaultsCacheText(source: string, config: Config): string {
  return JSON.stringify({ source, config });
}
