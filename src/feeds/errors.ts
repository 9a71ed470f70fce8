/**
 * Feed errors in words a person can act on. ccxt splits failures into NetworkError (worth retrying:
 * the network, a timeout, the exchange down or busy) and ExchangeError (the exchange refused what we
 * asked); we keep that split and add a hint. Classification goes by error name so this file needs no ccxt.
 */

/** A failure of one feed step, saying whether retrying can help; the library error stays in `cause`. */
export class FeedError extends Error {
  override name = 'FeedError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function errorName(err: unknown): string {
  if (err instanceof Error) return err.constructor?.name && err.constructor.name !== 'Error' ? err.constructor.name : err.name;
  return typeof err;
}

/** One line, no stack: `NetworkError: connection closed by remote server, closing code 1006`. */
export function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `${errorName(err)}: ${msg.replace(/\s+/g, ' ').slice(0, 300)}`;
}

/** The class names of `err` and its ancestors (ccxt: RequestTimeout → NetworkError → OperationFailed → BaseError). */
function lineage(err: unknown): string[] {
  const names: string[] = [];
  let proto: unknown = err instanceof Error ? Object.getPrototypeOf(err) : undefined;
  while (proto && proto !== Error.prototype && proto !== Object.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name) names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** The exchange refused what we asked (ccxt's ExchangeError family); retrying the same request soon will not help. */
export function isRefusal(err: unknown): boolean {
  if (err instanceof FeedError) return !err.retryable;
  return lineage(err).includes('ExchangeError');
}

/** Worth retrying: anything that is not a refusal (timeouts, DNS, refused or dropped connections, exchange down or busy). */
export function isNetworkError(err: unknown): boolean {
  return !isRefusal(err);
}

/** What a person can do about it. */
export function hintFor(err: unknown, exchange: string): string {
  const text = err instanceof Error ? err.message : String(err);
  if (lineage(err).includes('RestrictedLocation') || /\b451\b/.test(text) || /restricted location|not available in your (region|country)/i.test(text)) {
    return `${exchange} refuses connections from this location; remove it from \`exchanges\` in the config or run the bot elsewhere`;
  }
  if (isRefusal(err)) return `${exchange} rejected the request; check \`exchanges\`/\`assets\` in the config; liqbot keeps retrying`;
  return `check the network (DNS, firewall, proxy); liqbot keeps retrying ${exchange} with backoff and records the gap`;
}
