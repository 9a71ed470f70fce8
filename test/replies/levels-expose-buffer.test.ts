/**
 * The audit's cases on the bundled day, levels set by config, the file's own levels left out (price $2,643.8 at the
 * end, both levels reclaimed at 21:15 or 20:15): "a close below it would expose" names no level within the floor's
 * break buffer nor one price is at, with the buffer the level book judges the closes with (`LevelView.buffer`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED, cli, tempDir, writeEvents } from '../helpers.js';

async function levels(...prices: number[]): Promise<string> {
  const file = writeEvents(readFileSync(BUNDLED, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.includes('"type":"level"')), 'nolev.jsonl');
  const config = join(tempDir(), 'lv.yaml');
  writeFileSync(config, `levels:\n  defaults:\n${prices.map((p) => `    - {asset: ETH, price: ${p}}\n`).join('')}`);
  const r = await cli('levels', 'eth', '--data', file, '--config', config);
  expect(r.code, r.err).toBe(0);
  return r.out;
}

describe('what a close below the floor would expose, on the bundled day', () => {
  it('$2,645 and $2,643, price $2,643.8: the floor tested from below exposes the cascade low, not $2,643 price is at', async () => {
    const out = await levels(2645, 2643);
    expect(out).toContain('\n$2,645 · price back below · reclaimed Jan 31 21:15, not lost yet · 0.0%\n');
    expect(out).toContain('\nPrice is testing the floor $2,645 from below; a close below it would expose $2,357.\n');
  });

  it('$2,500 and $2,499.6, one break buffer apart: one floor, the next the cascade low', async () => {
    expect(await levels(2500, 2499.6)).toContain('\nHolding $2,500 keeps the floor; a close below it would expose $2,357.\n');
  });
});
