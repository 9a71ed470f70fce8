/** A config problem a person can fix: the message names the file, the key and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A mistake in how a command was typed (an option it does not take, a value it cannot read, a role without its
 * platform): one line, exit code 2. src/cli.ts says it; bin/liqbot.js reads the name for an error that reached it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
