/**
 * An ingest replica for the replica tests: `liqbot start --role ingest` (runIngestRole) pointed at a fake Bybit
 * websocket, publishing to the stream named, with no leverage polling (no test reaches the internet). SIGTERM
 * stops it cleanly (everything received is published first); SIGKILL is what the tests use to lose it.
 * Usage (argv): <fake ws url> <nats url> <stream>.
 */
import { buildConfig } from '../../config/load.js';
import { runIngestRole } from '../../src/bus/ingest.js';
import { BYBIT_MARKETS } from '../fakes/exchanges/markets.js';

const [ws, natsUrl, natsStream] = process.argv.slice(2);
const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
await runIngestRole({
  env: { natsUrl: natsUrl!, natsStream: natsStream!, dataDir: process.env.LIQBOT_DATA_DIR ?? '/tmp' },
  config: buildConfig({ exchanges: ['bybit'], assets: ['ETH'] }),
  signal: abort.signal,
  feeds: { overrides: { bybit: { ws: ws!, markets: BYBIT_MARKETS, rest: false, backoff: { baseMs: 20, maxMs: 100 } } }, leverage: false },
});
process.exit(0);
