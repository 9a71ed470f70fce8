/**
 * A price as people write it is read one way, typed in a chat (`/level add eth 2.35k`, `parseLevel`) or written as a
 * string in a data file's line (`"price":"2.35k"`, a malformed line that says the number to write): the same number
 * where the chat takes it, ambiguous in both where a comma may be a decimal point (`2,35k`: 2.35k or 235k), and no
 * number in both where it is none (`NaN`, `0x10`). Both use `writtenAmount` (src/core/events.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseLevel } from '../../commands/parse.js';
import { toEvent } from '../../src/core/events.js';

const fileReason = (price: string) => {
  const r = toEvent({ type: 'level', ts: 1769817600000, asset: 'ETH', price });
  return r.ok ? undefined : r.reason;
};

describe('a price as people write it', () => {
  it.each([
    ['2.35k', 2350],
    ['2,350', 2350],
    ['$2,350', 2350],
    ['２３５０', 2350],
  ])('%s is the number a chat sets and the number a file is told to write', (typed, value) => {
    expect(parseLevel(typed)).toEqual({ ok: true, value });
    expect(fileReason(typed)).toBe(`level: \`price\` must be a positive finite number (it is the string ${JSON.stringify(typed)}, not a number: write ${value})`);
  });

  it.each([
    ['2,35k', '"2,35k" is ambiguous: write 2.35k (decimal point) or a whole number like 2350.', 'write 2350 if its comma is a decimal point'],
    ['2,35', '"2,35" is ambiguous: write 2.35 (decimal point) or a whole number like 2350.', 'write 2.35 if its comma is a decimal point'],
  ])('%s is refused as ambiguous in a chat and in a file, each naming what to write', (typed, chat, file) => {
    expect(parseLevel(typed)).toEqual({ ok: false, error: 'ambiguous_number', message: chat });
    expect(fileReason(typed)).toBe(`level: \`price\` must be a positive finite number (it is the string ${JSON.stringify(typed)}, not a number, and ambiguous: ${file})`);
  });

  it.each(['NaN', 'Infinity', '0x10', '2350.'])('%s is no price in a chat, and no number in a file (not a number to unquote)', (typed) => {
    expect(parseLevel(typed)).toEqual({ ok: false, error: 'bad_number', message: `"${typed}" is not a price. Try 2350, 2,350 or 2.35k.` });
    expect(fileReason(typed)).toBe(`level: \`price\` must be a positive finite number (it is the string ${JSON.stringify(typed)}, not a number: write the number in digits, without quotes)`);
  });
});
