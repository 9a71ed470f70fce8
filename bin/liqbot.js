#!/usr/bin/env node
/* eslint-disable no-console -- the executable speaks to the terminal directly */
// The `liqbot` executable. Runs the bundle that `npm install` / `npm run build` writes to dist/. While
// developing (sources newer than the bundle, tsx installed as a dev dependency) it runs the TypeScript sources
// through tsx instead; a production install (`npm ci --omit=dev`) has no tsx and always runs the bundle.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/cli.js`;

function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return ['src', 'commands', 'config'].every((d) => newestSource(`${root}${d}`) <= built);
}

async function loadTsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

// `liqbot replay FILE | head` closes the pipe after a few lines: that is the reader being done, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A closed terminal (SIGHUP, an SSH session gone): output has nowhere to go; the stop under way goes on without it.
    if (err.code === 'EIO') return;
    throw err;
  });
}

let main;
if (bundleIsFresh()) ({ main } = await import(bundle));
else {
  const tsx = await loadTsx();
  if (tsx) {
    tsx.register();
    ({ main } = await import('../src/cli.ts'));
  } else if (existsSync(bundle)) ({ main } = await import(bundle));
  else {
    console.error('liqbot: dist/ is missing. Run `npm run build` after a full `npm ci` (the build needs the development dependencies).');
    process.exit(1);
  }
}
/**
 * A message fit to print: the secrets the bot registered (src/log.ts keeps them; its scrub is published on
 * globalThis, as the bundle and the sources each have their own module instance), and any credentials in a URL.
 */
function scrub(text) {
  const registered = globalThis[Symbol.for('liqbot.scrub')];
  const out = typeof registered === 'function' ? registered(text) : text;
  // scheme://user:password@ → scheme://user:[redacted]@; scheme://token@ → scheme://[redacted]@.
  return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi, (_, scheme, user, pass) => (pass ? `${scheme}${user}:[redacted]@` : user ? `${scheme}[redacted]@` : `${scheme}@`));
}

// Errors that are one sentence a person acts on (a setting, a service): their stack would say nothing more.
const SENTENCES = new Set(['ConfigError', 'UsageError', 'CliError', 'StoreError', 'BusError']);

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // A failure the commands did not turn into a sentence: one line, the stack only when asked for.
  console.error(`liqbot: ${scrub(err instanceof Error ? err.message : String(err))}`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(scrub(inspect(err)));
  else if (!(err instanceof Error && SENTENCES.has(err.name))) console.error('(LOG_LEVEL=debug shows the stack trace)');
  // Whatever was already open (a prompt, a store) must not keep a failed start alive. A mistake in how a command was
  // called (src/main.ts's usage errors, `--role` typed wrong) is a usage error, as the commands' own: exit 2.
  process.exit(err instanceof Error && err.name === 'UsageError' ? 2 : 1);
}
