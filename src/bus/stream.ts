/**
 * The market stream on NATS JetStream: one stream (`MKT`) holding subjects `mkt.<venue>.<kind>`, each message
 * one batch of normalized events. This module connects, makes sure the stream exists with the options the
 * installed server supports (nats-server 2.9: one `filter_subject` per consumer, no 2.10+ options), and names
 * subjects. Publishing is publisher.ts, reading is consumer.ts.
 *
 * @example
 *   const bus = await connectBus({ url: 'nats://127.0.0.1:4222' });
 *   // … publish or consume …
 *   await bus.close();
 */
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type ConnectionOptions, type NatsConnection, type Status } from '@nats-io/transport-node';
import { logger, registerPasswords, registerSecrets, type Logger } from '../log.js';

export interface BusOptions {
  /**
   * `nats://host:port` (LIQBOT_NATS_URL), or several separated by commas (a cluster). Credentials go in the URL:
   * `nats://user:password@host:port`, or a token as `nats://TOKEN@host:port`; they are given to the server as
   * such, never as part of the address, and never printed.
   */
  url: string;
  /** The stream's name (default `MKT`; tests use their own). */
  stream?: string;
  /** The subjects' first token (default `mkt`); each stream needs its own, as streams may not share subjects. */
  prefix?: string;
  /** How long JetStream remembers a message id to drop a re-published batch (default 2 minutes). */
  duplicateWindowMs?: number;
  /** How long the stream keeps batches (default 7 days: a core can rebuild a week from it). */
  maxAgeMs?: number;
  /** A name for the connection, shown by the server's monitoring (e.g. `liqbot ingest binance`). */
  name?: string;
  /** Where the connection's losses and recoveries are logged (default the `bus` logger; tests pass their own). */
  log?: Pick<Logger, 'warn' | 'info'>;
}

export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly prefix: string;
  /** Every subject of the stream: `<prefix>.>`. */
  readonly subjects: string;
  /** The server(s) as printed in logs and errors: the URL without its password or token. */
  readonly server: string;
  /** False from a lost connection until it is back (the client reconnects on its own, for ever). */
  connected(): boolean;
  /** Drain and close the connection (waits for publishes in flight). */
  close(): Promise<void>;
}

/** Error for a bus that cannot be reached or set up: one sentence, the library's error as cause. */
export class BusError extends Error {
  override readonly name = 'BusError';
}

/** LIQBOT_NATS_URL taken apart: the addresses to dial, and the credentials they carried, for `connect()`. */
export interface NatsTarget {
  /** `nats://host:port` (or `tls://…`), without credentials. */
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  /** The URL(s) fit to print: a password dropped, a token replaced by `[redacted]`. */
  redacted: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Take LIQBOT_NATS_URL apart: `nats://user:pass@host:port` gives user and password, `nats://TOKEN@host:port` a
 * token, `host:port` is read as `nats://host:port`; several URLs separated by commas are a cluster, whose
 * credentials must agree. Throws a BusError (naming the redacted URL, never a secret) when it cannot.
 */
export function parseNatsUrl(url: string): NatsTarget {
  const parts = url.split(',').map((p) => p.trim()).filter(Boolean);
  const servers: string[] = [];
  const printed: string[] = [];
  let auth: { user?: string; pass?: string; token?: string } | undefined;
  let authKey: string | undefined;
  for (const part of parts) {
    const { scheme, creds, rest } = splitAuth(part);
    let u: URL;
    try {
      u = new URL(`${scheme}//${rest}`);
    } catch {
      throw new BusError(`LIQBOT_NATS_URL is not a valid nats://host:port URL (${redactNatsUrl(url)})`);
    }
    if (!u.host) throw new BusError(`LIQBOT_NATS_URL names no host (${redactNatsUrl(url)})`);
    const mine = credentials(creds, url);
    const key = JSON.stringify(mine);
    if (creds !== undefined) {
      if (authKey !== undefined && authKey !== key) throw new BusError(`the servers in LIQBOT_NATS_URL carry different credentials (${redactNatsUrl(url)}): give them once, the same for all`);
      authKey = key;
      auth = mine;
    }
    servers.push(`${u.protocol}//${u.host}`);
    printed.push(redactOne(part));
  }
  if (servers.length === 0) throw new BusError('LIQBOT_NATS_URL names no server');
  return { servers, ...auth, redacted: printed.join(',') };
}

/**
 * One server's URL as scheme, credentials and the rest, split by hand at the last `@`: a token or password typed
 * without percent-encoding (a base64 token holds `/`, a password `#` or `?`) would end a URL parser's host early and
 * leave part of the secret in the "host" it prints.
 */
function splitAuth(part: string): { scheme: string; creds?: string; rest: string } {
  const m = SCHEME.exec(part);
  const scheme = m ? m[0].slice(0, -2) : 'nats:';
  const body = m ? part.slice(m[0].length) : part;
  const at = body.lastIndexOf('@');
  return at < 0 ? { scheme, rest: body } : { scheme, creds: body.slice(0, at), rest: body.slice(at + 1) };
}

/** `user:pass` or a token, percent-decoded where it is encoded; a secret is never part of the error. */
function credentials(creds: string | undefined, url: string): { user?: string; pass?: string; token?: string } {
  if (creds === undefined) return {};
  const decode = (v: string): string => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v; // a bare % in a password: taken as typed
    }
  };
  const colon = creds.indexOf(':');
  if (colon < 0) {
    if (!creds) throw new BusError(`LIQBOT_NATS_URL has an empty token before @ (${redactNatsUrl(url)})`);
    return { token: decode(creds) };
  }
  const user = decode(creds.slice(0, colon)), pass = decode(creds.slice(colon + 1));
  if (!user || !pass) throw new BusError(`LIQBOT_NATS_URL gives ${user ? 'a user without a password' : 'a password without a user'} (${redactNatsUrl(url)}): write nats://user:password@host:port, or nats://TOKEN@host:port`);
  return { user, pass };
}

function redactOne(part: string): string {
  const { scheme, creds, rest } = splitAuth(part);
  const host = rest.replace(/[/?#].*$/, '');
  if (creds === undefined) return `${scheme}//${host}`;
  const colon = creds.indexOf(':');
  return `${scheme}//${colon > 0 ? `${creds.slice(0, colon)}@` : '[redacted]@'}${host}`;
}

/** LIQBOT_NATS_URL fit to print: passwords dropped, tokens replaced (as the store's redactUrl does for PostgreSQL). */
export function redactNatsUrl(url: string): string {
  return url
    .split(',')
    .map((part) => redactOne(part.trim()))
    .join(',');
}

/** Whether a connection is up, and since when (ms). */
export interface ConnectionState {
  connected: boolean;
  since: number;
}

/** A connection this process holds, for its health (`/healthz` of a role): its name, server and state. */
export interface OpenConnection {
  readonly name: string;
  readonly server: string;
  readonly state: Readonly<ConnectionState>;
}

const connections = new Set<OpenConnection>();

/** The NATS connections this process holds now (each role's own; `--role all` has several). */
export function openConnections(): readonly OpenConnection[] {
  return [...connections];
}

/**
 * Log the connection's losses and recoveries, once per change (the client reports every reconnect attempt): a
 * lost server at warn, its return at info, with the server's address (never its credentials).
 */
export function watchConnection(statuses: AsyncIterable<Status>, server: string, log: Pick<Logger, 'warn' | 'info'>, state: ConnectionState): Promise<void> {
  return (async () => {
    let lastError: string | undefined;
    for await (const s of statuses) {
      if (s.type === 'disconnect' && state.connected) {
        Object.assign(state, { connected: false, since: Date.now() });
        lastError = undefined;
        log.warn({ server }, 'lost the NATS connection: reconnecting (the market stream waits until it is back)');
      } else if (s.type === 'reconnect' && !state.connected) {
        const downMs = Date.now() - state.since;
        Object.assign(state, { connected: true, since: Date.now() });
        log.info({ server, downMs }, 'NATS connection back');
      } else if (s.type === 'error' && s.error.message !== lastError) {
        // An authorization error while reconnecting, say: once, not at every attempt.
        lastError = s.error.message;
        log.warn({ server, error: s.error.message }, 'NATS server error');
      } else if (s.type === 'ldm') {
        log.warn({ server }, 'the NATS server is shutting down (lame duck mode): moving to another server when it goes');
      }
    }
  })();
}

/** Connect to NATS and make sure the stream exists (created, or its subjects and windows brought in line). */
export async function connectBus(opts: BusOptions): Promise<Bus> {
  const stream = opts.stream ?? 'MKT';
  const prefix = opts.prefix ?? 'mkt';
  const target = parseNatsUrl(opts.url);
  // A token or password that turns up in a library's message is scrubbed from every log line.
  registerSecrets(target.token);
  registerPasswords(target.pass);
  const options: ConnectionOptions = {
    servers: target.servers,
    name: opts.name ?? 'liqbot',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...(target.user !== undefined ? { user: target.user } : {}),
    ...(target.pass !== undefined ? { pass: target.pass } : {}),
    ...(target.token !== undefined ? { token: target.token } : {}),
  };
  let nc: NatsConnection;
  try {
    nc = await connect(options);
  } catch (err) {
    throw new BusError(`could not connect to NATS at ${target.redacted}: ${(err as Error).message}`, { cause: err });
  }
  const state: ConnectionState = { connected: true, since: Date.now() };
  void watchConnection(nc.status(), target.redacted, opts.log ?? logger('bus'), state).catch(() => undefined);
  const entry: OpenConnection = { name: opts.name ?? 'liqbot', server: target.redacted, state };
  connections.add(entry);
  void nc.closed().then(() => connections.delete(entry), () => connections.delete(entry));
  try {
    const jsm = await jetstreamManager(nc);
    const config = {
      name: stream,
      subjects: [`${prefix}.>`],
      duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000),
      max_age: nanos(opts.maxAgeMs ?? 7 * 86_400_000),
    };
    try {
      await jsm.streams.info(stream);
      await jsm.streams.update(stream, config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.status !== 404) throw err;
      await jsm.streams.add(config);
    }
    return {
      nc, js: jetstream(nc), jsm, stream, prefix, subjects: `${prefix}.>`, server: target.redacted,
      connected: () => state.connected && !nc.isClosed(),
      close: async () => {
        connections.delete(entry);
        if (!nc.isClosed()) await nc.drain();
      },
    };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new BusError(`could not set up the JetStream stream ${stream} on ${target.redacted}: ${(err as Error).message} (is nats-server running with -js?)`, { cause: err });
  }
}

/** A subject token: what NATS allows in one token (no dots, spaces or wildcards), lower case. */
export function subjectToken(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '_') || '_';
}

/** The subject of a batch: `<prefix>.<venue>.<kind>`. */
export function subjectOf(prefix: string, venue: string, kind: string): string {
  return `${prefix}.${subjectToken(venue)}.${subjectToken(kind)}`;
}
