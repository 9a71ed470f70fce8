/**
 * What falls due in a quiet stretch (a flush's end, with no print for minutes) is raised at its own time by the next
 * event, wherever the events come from: the live bot and a rehearsal feed `Market.ingest` one event at a time, as the
 * offline replay does. Jan 27 2025: the market-wide flush is over at 17:23:48, the next event a 5m candle at 17:25; a
 * rehearsal stamped the end "17:25".
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { Market } from '../../src/core/market.js';
import { loadFile, runFile } from '../../src/offline.js';

const JAN27 = 'fixtures/binance-2025-01-27-forceorder.real.jsonl';

it('an end in a quiet stretch is stamped when it fell due, not with the event after it, as the replay stamps it', async () => {
  const file = await loadFile(JAN27);
  const replayed = (await runFile(file, loadConfig())).alerts.find((a) => a.kind === 'market_flush_end')!;
  expect(new Date(replayed.ts).toISOString()).toBe('2025-01-27T17:23:48.886Z');

  const market = new Market(loadConfig());
  const raised: [Alert, number][] = [];
  for (const batch of file.batches) for (const e of batch) for (const a of market.ingest(e)) raised.push([a, e.ts]);
  const [end, by] = raised.find(([a]) => a.kind === 'market_flush_end')!;
  // Raised by an event minutes later, stamped with its own moment.
  expect(by - end.ts).toBeGreaterThan(60_000);
  expect(end.ts).toBe(replayed.ts);
});
