/**
 * Config refusals say what is wrong as every other key's do: a default level names its field and the reason, or what
 * the entry lacks (not "levels.defaults.0: Invalid input"), and a YAML syntax error gives yaml's whole reason and the
 * line it points at (not a line ending "at line 2, column 1:").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig, ConfigError, loadConfig } from '../config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'liqbot-config-39-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one line a config is refused with. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return 'accepted';
}

describe('levels.defaults refusals', () => {
  it.each([
    [{ asset: 'ETH', price: 'abc' }, 'my.yaml: levels.defaults.0.price: Invalid input: expected number, received string'],
    [{ asset: 'ETH' }, 'my.yaml: levels.defaults.0: needs price, or low and high for a zone'],
    [{ asset: 'ETH', low: 2750 }, 'my.yaml: levels.defaults.0: needs price, or low and high for a zone'],
    [{ asset: 'ETH', low: 'a', high: 2800 }, 'my.yaml: levels.defaults.0.low: Invalid input: expected number, received string'],
    [{ asset: 'ETH', price: 3000, low: 2750, high: 2800 }, 'my.yaml: levels.defaults.0: a level is a price or a zone (low and high), not both'],
    [{ asset: 'ETH', price: 3000, label: 5 }, 'my.yaml: levels.defaults.0.label: Invalid input: expected string, received number'],
    [{ price: 3000 }, 'my.yaml: levels.defaults.0.asset: Invalid input: expected string, received undefined'],
    [{ asset: 'ETH', low: 2800, high: 2750 }, 'my.yaml: levels.defaults.0: a zone needs low < high'],
    [{ asset: 'ETH', price: -1 }, 'my.yaml: levels.defaults.0.price: Too small: expected number to be >0'],
  ])('%j is refused naming its field and why', (entry, message) => {
    expect(refusal(() => buildConfig({ levels: { defaults: [entry] } }, 'my.yaml'))).toBe(message);
  });

  it('a price and a zone still load, as the two forms they were', () => {
    const c = buildConfig({ levels: { defaults: [{ asset: 'eth', price: 3000, label: 'pivot' }, { asset: 'ETH', low: 2750, high: 2800 }] } });
    expect(c.levels.defaults).toEqual([{ asset: 'ETH', price: 3000, label: 'pivot' }, { asset: 'ETH', low: 2750, high: 2800 }]);
    expect('price' in c.levels.defaults[1]!).toBe(false);
    expect('low' in c.levels.defaults[0]!).toBe(false);
  });

  it('from a file: `price: abc` names the field', () => {
    const path = join(dir, 'levels.yaml');
    writeFileSync(path, 'levels:\n  defaults:\n    - asset: ETH\n      price: abc\n');
    expect(refusal(() => loadConfig(path))).toBe(`${path}: levels.defaults.0.price: Invalid input: expected number, received string`);
  });
});

describe('YAML syntax errors', () => {
  const yaml = (text: string) => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, text);
    return refusal(() => loadConfig(path)).replace(path, 'bad.yaml');
  };

  it('an unclosed list at the end of the file: the whole reason, where, and the line it started on', () => {
    expect(yaml('assets: [BTC, ETH\n')).toBe('config bad.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1 (the end of the file), after line 1: "assets: [BTC, ETH"');
  });

  it.each([
    ['a: b: c\n', 'Nested mappings are not allowed in compact mappings at line 1, column 4: "a: b: c"'],
    ['assets:\n  - BTC\n - ETH\n', 'A block sequence may not be used as an implicit map key at line 3, column 1: " - ETH"'],
    // A tab shows as \t, the quote escaped: the line as text, not as what a terminal does with it.
    ['levels:\n\tdefaults: []\n', 'Tabs are not allowed as indentation at line 2, column 1: "\\tdefaults: []"'],
    ['x: "unterminated\n', 'Missing closing "quote at line 2, column 1 (the end of the file), after line 1: "x: \\"unterminated"'],
  ])('%j says the line it points at', (text, message) => {
    const m = yaml(text);
    expect(m).toBe(`config bad.yaml: not valid YAML: ${message}`);
    expect(m).not.toContain('\n');
    expect(m).not.toMatch(/:$/);
  });

  it('a long line is quoted around the column, at most 80 characters of it', () => {
    const m = yaml(`assets: [${'BTC, '.repeat(40)}ETH]]\n`);
    const quoted = /column \d+: "(.*)"$/.exec(m)?.[1];
    expect(quoted, m).toBeDefined();
    expect(quoted!.replace(/…/g, '').length).toBeLessThanOrEqual(80);
    expect(m).toContain('at line 1, column 214: "…BTC, ');
    expect(quoted).toMatch(/^…(BTC, )+ETH\]\]$/);
  });
});
