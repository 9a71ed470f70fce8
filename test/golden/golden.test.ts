/**
 * The offline CLI's outputs are pinned byte for byte (scripts/golden.ts): `replay --json`, `liqs`, `levels`,
 * `oi`, `demo` and the chart PNGs on the bundled day and two generated days. A refactor leaves them alone;
 * a change meant to alter them runs `npm run golden -- --update` and says so in its commit.
 */
import { readFileSync } from 'node:fs';
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

describe('the README', () => {
  it('shows /liqs eth and /levels eth on the bundled day as the CLI prints them (the golden outputs)', () => {
    const readme = readFileSync('README.md', 'utf8');
    // Fenced blocks, each from its opening fence (```, ```sh) to the next bare one.
    const blocks = [...readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trim());
    for (const [name, head] of [['bundled-liqs-eth-24h.out', 'ETH liquidations · 24h'], ['bundled-levels-eth.out', 'ETH levels · ']] as const) {
      const block = blocks.find((b) => b.startsWith(head));
      expect(block, head).toBeDefined();
      expect(block).toBe(readFileSync(`test/golden/${name}`, 'utf8').trim());
    }
  });
});
