/**
 * `liqbot --help` names every role `start --role` takes, with the options that go with them, and says what
 * `replay --stats` prints in the words of its own columns.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROLES } from '../../src/bus/roles.js';
import { main } from '../../src/cli.js';

afterEach(() => vi.restoreAllMocks());

async function help(): Promise<string> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  expect(await main(['--help'])).toBe(0);
  return out.join('\n');
}

describe('liqbot --help', () => {
  it('lists every role, deliver with its --platform and gateway with its --shard', async () => {
    const text = await help();
    expect([...ROLES].sort()).toEqual(['all', 'core', 'deliver', 'gateway', 'ingest']);
    for (const role of ROLES) expect(text).toMatch(new RegExp(`^ {6}${role}\\b`, 'm'));
    expect(text).toMatch(/^ {6}deliver --platform telegram\|discord\b/m);
    expect(text).toMatch(/^ {6}gateway \[--shard 0,1\]/m);
  });

  it("says --stats' columns as the output names them", async () => {
    const text = await help();
    expect(text).toContain('--stats: per level, messages, breaks, reversed<12h, held, told<2h; cascades');
    expect(text).not.toContain('whipsaw');
  });
});

describe('liqbot start called wrongly', () => {
  it('is a usage error (one line, no stack-trace hint): --db without --replay, --shard without --role gateway', async () => {
    const said: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void said.push(String(s)));
    expect(await main(['start', '--db', '/tmp/x.db'])).toBe(2);
    expect(await main(['start', '--shard', '0'])).toBe(2);
    expect(said).toEqual(['liqbot: --db is for rehearsals (--replay FILE); the live database is LIQBOT_DB', 'liqbot: --shard is for --role gateway (the Discord shards this gateway runs, e.g. --shard 0,1)']);
  });
});
