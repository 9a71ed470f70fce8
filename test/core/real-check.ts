/**
 * The check a real recording of Binance's forceOrder stream passes as converted (the unseen sets'): its prints, read as
 * the offline commands read them, their count, symbols, first and last times and USD values, and its meta line naming
 * its source and marking it real.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Liquidation } from '../../src/core/events.js';
import { loadFile } from '../../src/offline.js';

/** A recording as converted: the file, its prints, its symbols, its first and last print's times (as `at` writes them), its source. */
export type Recording = [file: string, prints: number, symbols: number, first: string, last: string, source: string];

/** The title of a recording's check, for `it.each`. */
export const RECORDING_CHECK = '%s: %i prints of %i symbols, %s to %s, its source named';

/** A recording's liquidation prints, in the order read. */
export async function prints(file: string): Promise<Liquidation[]> {
  return (await loadFile(file)).batches.flat().filter((e): e is Liquidation => e.type === 'liquidation');
}

/**
 * Check a recording as converted: `at` writes a print's time as `first` and `last` are written; `noneTwice`, no print
 * twice (time, symbol, side and amount).
 */
export async function checkRecording([file, count, symbols, first, last, source]: Recording, at: (ts: number) => string, noneTwice = false): Promise<void> {
  const liqs = await prints(file);
  expect(liqs).toHaveLength(count);
  expect(new Set(liqs.map((l) => l.symbol)).size).toBe(symbols);
  expect([at(liqs[0]!.ts), at(liqs.at(-1)!.ts)]).toEqual([first, last]);
  // Every print carries its USD value as recorded (price times filled quantity, to the cent).
  for (const l of liqs) expect(Math.abs(l.usd! - l.price * l.amount)).toBeLessThan(0.01);
  if (noneTwice) expect(new Set(liqs.map((l) => `${l.ts} ${l.symbol} ${l.side} ${l.amount}`)).size).toBe(count);
  const meta = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { synthetic: boolean; note: string };
  expect(meta.synthetic).toBe(false);
  expect(meta.note).toContain(`source: ${source}`);
}
