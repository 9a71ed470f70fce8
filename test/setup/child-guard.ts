/**
 * The loopback guard for the processes tests start (`node bin/liqbot.js …`, `node --import tsx child.ts`): they
 * load loopback.mjs before anything else through NODE_OPTIONS, which their own children inherit too. The vitest
 * process sets it in its own environment (loopback-guard.ts); a test that gives a child an environment of its own
 * passes it through `guardedEnv`.
 */
/** The `--import` that loads the guard, as a file URL (no quoting needed in NODE_OPTIONS). */
export const LOOPBACK_IMPORT = `--import=${new URL('./loopback.mjs', import.meta.url).href}`;

/** NODE_OPTIONS with the guard's `--import` added once. */
export function withGuard(nodeOptions: string | undefined): string {
  const options = nodeOptions?.trim() ?? '';
  return options.includes(LOOPBACK_IMPORT) ? options : `${LOOPBACK_IMPORT} ${options}`.trim();
}

/** A child's environment with the guard in its NODE_OPTIONS. */
export function guardedEnv<T extends Record<string, string | undefined>>(env: T): T & { NODE_OPTIONS: string } {
  return { ...env, NODE_OPTIONS: withGuard(env.NODE_OPTIONS) };
}
