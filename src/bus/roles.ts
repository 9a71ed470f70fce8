/**
 * `liqbot start --role ROLE`: the scaled-out deployment's processes, talking through the market stream (NATS
 * JetStream, LIQBOT_NATS_URL) and the shared store (PostgreSQL, LIQBOT_DATABASE_URL). Without `--role`,
 * `liqbot start` stays the embedded bot: one process, SQLite, no services. Built: `ingest`, `core` (leader or
 * standby, core.ts), `deliver --platform telegram|discord` (deliver.ts), `gateway`, and `all` (ingest, core,
 * deliver for every platform with a token, and gateway in one process: the whole bot on the shared services).
 */
import { ConfigError } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Env } from '../env.js';

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
}

/** Roles that run; the others say they are not built yet. */
const BUILT: readonly Role[] = ['ingest', 'core', 'deliver', 'gateway', 'all'];

/** Check the role and what it needs before anything starts: one sentence naming the fix. */
export function checkRole(role: string, env: Pick<Env, 'natsUrl' | 'databaseUrl'>): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
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
  const { checkGatewayEnv } = await import('./gateway.js');
  checkGatewayEnv(opts.env, opts.shardIds);
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
      ...platforms.map((platform) => watch(runDeliverRole({ env: opts.env, platform, signal: stop.signal }))),
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

export async function runRole(role: string, opts: RoleOptions): Promise<number> {
  switch (checkRole(role, opts.env)) {
    case 'core': {
      const { runCoreRole } = await import('./core.js');
      return runCoreRole({ env: opts.env, config: opts.config, signal: opts.signal });
    }
    case 'deliver': {
      const { runDeliverRole } = await import('./deliver.js');
      return runDeliverRole({ env: opts.env, platform: opts.platform, signal: opts.signal, outboxRetentionMs: opts.config.retention.outboxDays * 86_400_000 });
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
