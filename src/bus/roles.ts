/**
 * `liqbot start --role ROLE`: the scaled-out deployment's processes, talking through the market stream (NATS
 * JetStream, LIQBOT_NATS_URL) and the shared store (PostgreSQL, LIQBOT_DATABASE_URL). Without `--role`,
 * `liqbot start` stays the embedded bot: one process, SQLite, no services. Built: `ingest`, `core` (leader or
 * standby, core.ts), `deliver --platform telegram|discord` (deliver.ts), `gateway`, and `all` (ingest and gateway
 * in one process).
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
  if ((role === 'core' || role === 'deliver') && !env.databaseUrl) {
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
      // Every built role side by side in this process, each as it would run alone.
      await Promise.all([ingest(opts), gateway(opts)]);
      break;
    default:
      throw new ConfigError(`--role ${role} is not built yet`);
  }
  return 0;
}
