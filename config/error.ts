/** A config problem a person can fix: the message names the file, the key and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
