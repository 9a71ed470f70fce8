/**
 * `liqbot start --role ROLE`: the scaled-out deployment's processes, talking through the market stream (NATS
 * JetStream, LIQBOT_NATS_URL) and the shared store (PostgreSQL, LIQBOT_DATABASE_URL). Without `--role`,
 * `liqbot start` stays the embedded bot: one process, SQLite, no services. Built: `ingest`, `core` (leader or
 * standby, core.ts), `deliver --platform telegram|discord` (deliver.ts), `gateway`, and `all` (ingest, core,
 * deliver for every platform with a token, and gateway in one process: the whole bot on the shared services).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { ConfigError, UsageError } from '../../config/error.js';
import type { Config } from '../../config/schema.js';
import type { Env } from '../env.js';
import { logger } from '../log.js';
import { Health, type HealthState } from '../ops/health.js';
import { serveOps } from '../ops/http.js';
import { openConnections } from './stream.js';

const log = logger('bus:roles');

export const ROLES = ['ingest', 'core', 'deliver', 'gateway', 'all'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleOptions {
  env: Env;
  config: Config;
  replay?: { file: string; speed: number };
  /** `--platform` of the deliver role. */
  platform?: string;
  signal: AbortSignal;
  /** `--shard 0,1`: the Discord shards a gateway runs. */
  shardIds?: number[];
  /** The process's /healthz registry, when it serves one: a deliverer reports its platform there (`chat:<platform>`). */
  health?: Health;
}

/** Roles that run; the others say they are not built yet. */
const BUILT: readonly Role[] = ['ingest', 'core', 'deliver', 'gateway', 'all'];

/**
 * Check the role and what it needs before anything starts: one sentence naming the fix. Its name first (a usage
 * error), then the services the environment names (a ConfigError).
 */
export function checkRole(role: string, env: Pick<Env, 'natsUrl' | 'databaseUrl'>): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
  if (!env.natsUrl) {
    throw new ConfigError(`--role ${role} needs LIQBOT_NATS_URL (e.g. nats://127.0.0.1:4222, JetStream enabled); without --role, liqbot start runs everything in one process`);
  }
  if ((role === 'core' || role === 'deliver' || role === 'all') && !env.databaseUrl) {
    throw new ConfigError(`--role ${role} needs LIQBOT_DATABASE_URL (postgres://…, after \`liqbot migrate\`)`);
  }
  if (!(BUILT as readonly string[]).includes(role)) throw new ConfigError(`--role ${role} is not built yet (built: ${BUILT.join(', ')}); see docs/scale-out.md`);
  return role as Role;
}

async function ingest(opts: RoleOptions): Promise<void> {
  const { runIngestRole } = await import('./ingest.js');
  await runIngestRole({ env: opts.env, config: opts.config, signal: opts.signal, ...(opts.replay ? { replay: opts.replay } : {}) });
}

async function gateway(opts: RoleOptions): Promise<void> {
  const { runGatewayRole } = await import('./gateway.js');
  await runGatewayRole({ env: opts.env, config: opts.config, signal: opts.signal, ...(opts.shardIds ? { shardIds: opts.shardIds } : {}) });
}

/**
 * Every role side by side in this process, each as it would run alone: ingest, core, a deliverer per platform
 * with a token, the gateway. A role that fails or exits non-zero (a core or deliverer that lost its lock) stops
 * the others, so the supervisor restarts the whole process; an ingest replay that finishes leaves the rest running.
 */
async function all(opts: RoleOptions): Promise<number> {
  // Its gateway's tokens were checked by runRole, as `--role all`'s.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const inner = { ...opts, signal: stop.signal };
  const platforms = (['telegram', 'discord'] as const).filter((p) => opts.env[p]);
  const watch = async (run: Promise<number | void>): Promise<number> => {
    try {
      const code = (await run) ?? 0;
      if (code !== 0) stop.abort();
      return code;
    } catch (err) {
      stop.abort();
      throw err;
    }
  };
  try {
    const { runCoreRole } = await import('./core.js');
    const { runDeliverRole } = await import('./deliver.js');
    // Settled, not raced: every role has wound down (connections closed) before this returns or throws.
    const results = await Promise.allSettled([
      watch(runCoreRole({ env: opts.env, config: opts.config, signal: stop.signal })),
      ...platforms.map((platform) => watch(runDeliverRole({ env: opts.env, platform, signal: stop.signal, outboxRetentionMs: opts.config.retention.outboxDays * 86_400_000, ...(opts.health ? { health: opts.health } : {}) }))),
      watch(ingest(inner)),
      watch(gateway(inner)),
    ]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return Math.max(0, ...results.map((r) => (r.status === 'fulfilled' ? r.value : 1)));
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
}

/** The NATS connections of this process as one health component: ok while every one is up. */
export function natsHealth(now = Date.now()): { state: HealthState; reason?: string; since?: number } {
  const open = openConnections();
  if (open.length === 0) return { state: 'degraded', reason: 'not connected to NATS (starting, or stopped)' };
  const lost = open.filter((c) => !c.state.connected);
  // Since the connection changed (the last one up, or the first one lost), not since health was first read.
  if (lost.length === 0) return { state: 'ok', since: Math.max(...open.map((c) => c.state.since)) };
  const oldest = Math.min(...lost.map((c) => c.state.since));
  return { state: 'failing', since: oldest, reason: `lost the NATS connection to ${lost[0]!.server} ${Math.round((now - oldest) / 1000)} s ago (${lost.map((c) => c.name).join(', ')}); reconnecting` };
}

export interface RoleOps {
  /** The port actually bound (useful with port 0). */
  port: number;
  health: Health;
  close(): Promise<void>;
}

/**
 * `/healthz` and `/metrics` of a role process (LIQBOT_HTTP_PORT, on LIQBOT_HTTP_HOST), as the embedded bot serves
 * them: 200 while every component is ok, 503 with the reasons otherwise. A role reports what this process can see
 * of itself: its NATS connections (component `nats`), a deliverer whether its platform answered (`chat:<platform>`); /metrics has the process's own (memory, CPU, event loop) and
 * `liqbot_nats_connected`. Whether a core leads or a deliverer holds its lease is in their logs.
 */
export async function startRoleOps(role: Role, o: { port: number; host?: string; health?: Health }): Promise<RoleOps> {
  const health = o.health ?? new Health();
  health.probe('nats', () => natsHealth());
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'liqbot_nats_connected', help: 'NATS connections of this process that are up (1) or reconnecting (0)', labelNames: ['connection'], registers: [registry],
    collect() {
      this.reset();
      for (const c of openConnections()) this.set({ connection: c.name }, c.state.connected ? 1 : 0);
    },
  });
  const ops = await serveOps({
    port: o.port,
    ...(o.host !== undefined ? { host: o.host } : {}),
    registry,
    health: () => {
      const report = health.report();
      return { ok: report.status === 'ok', body: { status: report.status, ok: report.status === 'ok', role, components: report.components } };
    },
  });
  return { ...ops, health };
}

/** Run a role until its signal (or its own end); with LIQBOT_HTTP_PORT, serving its /healthz and /metrics meanwhile. */
export async function runRole(role: string, opts: RoleOptions): Promise<number> {
  // The command line before the services: a deliverer's platform is typed with its role.
  if (role === 'deliver' && opts.platform !== 'telegram' && opts.platform !== 'discord') {
    throw new UsageError(`--role deliver needs --platform telegram or --platform discord${opts.platform === undefined ? '' : ` (got "${opts.platform}")`}`);
  }
  const checked = checkRole(role, opts.env);
  if (checked === 'gateway' || checked === 'all') {
    const { checkGatewayEnv } = await import('./gateway.js');
    checkGatewayEnv(opts.env, opts.shardIds, checked);
  }
  const ops = opts.env.httpPort === undefined ? undefined : await startRoleOps(checked, { port: opts.env.httpPort, host: opts.env.httpHost });
  if (ops) log.info({ role: checked, host: opts.env.httpHost, port: ops.port }, 'serving /healthz and /metrics');
  try {
    return await runChecked(checked, ops ? { ...opts, health: ops.health } : opts);
  } finally {
    await ops?.close();
  }
}

async function runChecked(role: Role, opts: RoleOptions): Promise<number> {
  switch (role) {
    case 'core': {
      const { runCoreRole } = await import('./core.js');
      return runCoreRole({ env: opts.env, config: opts.config, signal: opts.signal });
    }
    case 'deliver': {
      const { runDeliverRole } = await import('./deliver.js');
      return runDeliverRole({ env: opts.env, platform: opts.platform, signal: opts.signal, outboxRetentionMs: opts.config.retention.outboxDays * 86_400_000, ...(opts.health ? { health: opts.health } : {}) });
    }
    case 'ingest':
      await ingest(opts);
      break;
    case 'gateway':
      await gateway(opts);
      break;
    case 'all':
      return all(opts);
    default:
      throw new ConfigError(`--role ${role} is not built yet`);
  }
  return 0;
}
