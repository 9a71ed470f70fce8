/**
 * `liqbot start --role ROLE`: the scaled-out deployment's processes, talking through the market stream (NATS
 * JetStream, LIQBOT_NATS_URL) and the shared store (PostgreSQL, LIQBOT_DATABASE_URL). Without `--role`,
 * `liqbot start` stays the embedded bot: one process, SQLite, no services. Built so far: `ingest`.
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
}

/** Check the role and what it needs before anything starts: one sentence naming the fix. */
export function checkRole(role: string, env: Pick<Env, 'natsUrl' | 'databaseUrl'>): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
  if (!env.natsUrl) {
    throw new ConfigError(`--role ${role} needs LIQBOT_NATS_URL (e.g. nats://127.0.0.1:4222, JetStream enabled); without --role, liqbot start runs everything in one process`);
  }
  if (role === 'core' || role === 'deliver') {
    if (!env.databaseUrl) throw new ConfigError(`--role ${role} needs LIQBOT_DATABASE_URL (postgres://…, after \`liqbot migrate\`)`);
    return role;
  }
  if (role !== 'ingest') throw new ConfigError(`--role ${role} is not built yet (ingest, core and deliver are); see docs/scale-out.md`);
  return role;
}

export async function runRole(role: string, opts: RoleOptions): Promise<number> {
  switch (checkRole(role, opts.env)) {
    case 'core': {
      const { runCoreRole } = await import('./core.js');
      return runCoreRole({ env: opts.env, config: opts.config, signal: opts.signal });
    }
    case 'deliver': {
      const { runDeliverRole } = await import('./deliver.js');
      return runDeliverRole({ env: opts.env, platform: opts.platform, signal: opts.signal });
    }
  }
  const { runIngestRole } = await import('./ingest.js');
  await runIngestRole({ env: opts.env, config: opts.config, signal: opts.signal, ...(opts.replay ? { replay: opts.replay } : {}) });
  return 0;
}
