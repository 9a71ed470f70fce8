/**
 * A deliver role process for the failover tests, run through tsx: `liqbot start --role deliver --platform
 * telegram|discord` (DELIVER_PLATFORM, default telegram) with the platform's limits scaled (DELIVER_SCALE, as the
 * fake's), a short lease (DELIVER_TTL_MS) and, when DELIVER_RETENTION_MS is set, that outbox retention pruned every
 * 300 ms: settings the CLI does not expose. Exits with the role's code (1: the lease was lost).
 */
import { scaleLimits } from '../../src/adapters/telegram/pacer.js';
import { runDeliverRole } from '../../src/bus/deliver.js';

const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
const scale = Number(process.env.DELIVER_SCALE ?? 1);
const limits = { ...scaleLimits(scale), marginMs: 20 / scale };
const platform = process.env.DELIVER_PLATFORM ?? 'telegram';
const services = { databaseUrl: process.env.LIQBOT_DATABASE_URL!, natsUrl: process.env.LIQBOT_NATS_URL!, natsStream: process.env.LIQBOT_NATS_STREAM! };
const env =
  platform === 'discord'
    ? { ...services, discord: { token: process.env.DISCORD_TOKEN!, apiBase: process.env.DISCORD_API_BASE! } }
    : { ...services, telegram: { token: process.env.TELEGRAM_BOT_TOKEN!, apiRoot: process.env.TELEGRAM_API_ROOT! } };
const code = await runDeliverRole({
  env,
  platform,
  signal: abort.signal,
  ttlMs: Number(process.env.DELIVER_TTL_MS ?? 2_000),
  pollMs: 200,
  limits,
  // Discord's 40 alert requests/s of its 50, scaled like the fake's global limit.
  discordPerSecond: 40 * scale,
  ...(process.env.DELIVER_RETENTION_MS ? { outboxRetentionMs: Number(process.env.DELIVER_RETENTION_MS), pruneEveryMs: 300 } : {}),
});
process.exit(code);
