/**
 * The offline CLI's outputs are pinned byte for byte (scripts/golden.ts): `replay --json`, `liqs`, `levels`,
 * `oi`, `demo` and the chart PNGs on the bundled day and two generated days. A refactor leaves them alone;
 * a change meant to alter them runs `npm run golden -- --update` and says so in its commit.
 */
import { describe, expect, it } from 'vitest';
import { committedOutputs, differences, goldenOutputs } from '../../scripts/golden.js';

describe('golden outputs', () => {
  it('every CLI output and chart hash is byte-identical to test/golden/', async () => {
    const expected = committedOutputs();
    const actual = await goldenOutputs();
    expect(expected.size).toBeGreaterThanOrEqual(41);
    expect(differences(expected, actual)).toEqual([]);
    // The list above names the files; this shows the first differing text when one breaks.
    for (const [name, text] of actual) expect(text, name).toBe(expected.get(name));
  }, 180_000);
});
