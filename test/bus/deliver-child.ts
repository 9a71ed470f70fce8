/**
 * A deliver role process for the failover tests, run through tsx: `liqbot start --role deliver --platform
 * telegram` with Telegram's limits scaled (DELIVER_SCALE, as the fake's) and a short lease (DELIVER_TTL_MS),
 * which the CLI does not expose. Exits with the role's code (1: the lease was lost).
 */
import { scaleLimits } from '../../src/adapters/telegram/pacer.js';
import { runDeliverRole } from '../../src/bus/deliver.js';

const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
const scale = Number(process.env.DELIVER_SCALE ?? 1);
const limits = { ...scaleLimits(scale), marginMs: 20 / scale };
const code = await runDeliverRole({
  env: { databaseUrl: process.env.LIQBOT_DATABASE_URL!, telegram: { token: process.env.TELEGRAM_BOT_TOKEN!, apiRoot: process.env.TELEGRAM_API_ROOT! } },
  platform: 'telegram',
  signal: abort.signal,
  ttlMs: Number(process.env.DELIVER_TTL_MS ?? 2_000),
  pollMs: 200,
  limits,
});
process.exit(code);
