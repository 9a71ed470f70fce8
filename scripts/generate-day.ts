/**
 * Writes the bundled synthetic market day (fixtures/eth-2026-01-31.synthetic.jsonl). Deterministic: running it
 * again produces the same bytes. Usage: npm run gen:day [-- OUT_FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateDay, january31, toJsonl } from './market-day.js';

const out = process.argv[2] ?? 'fixtures/eth-2026-01-31.synthetic.jsonl';
const events = generateDay(january31());
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, toJsonl(events));
console.log(`wrote ${events.length} events to ${out}`);
