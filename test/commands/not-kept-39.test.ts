/**
 * A change made while the database file is gone (deleted, replaced or moved while the bot runs: StoreHealth.notKeptSince)
 * applies, and its reply says in one line that it lasts only until the bot restarts; a change on a healthy store, and a
 * reply that changes nothing, say no such thing. Through the router, over the live bot and a real SQLite file.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { LiqBot } from '../../src/bot.js';
import { replyText } from '../../src/replies/reply.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers.js';

const T = Date.parse('2026-01-31T12:00:00Z');
const NOT_KEPT = 'This change lasts until the bot restarts: the database file was deleted, replaced or moved, so it is not saved (the operator is told).';

let open: SqliteStore | undefined;
afterEach(() => open?.close());

/** The live bot over a SQLite file, an admin's command line, and the file to delete. */
function bot() {
  const path = join(tempDir(), 'liqbot.db');
  const store = (open = openSqliteStore(path));
  const services = new LiqBot({ config: loadConfig(), store, now: () => T });
  let tick = 0;
  const run = (line: string) => {
    const ctx: CommandContext = { chat: { key: 'telegram:-100', platform: 'telegram', kind: 'group' }, user: { id: 'boss' }, isAdmin: true, now: T + ++tick * 61_000, services };
    return runCommandLine(line, ctx).then(replyText);
  };
  return { path, services, run };
}

describe('a change while the database file is gone', () => {
  it('applies, and its reply says in one line that a restart loses it', async () => {
    const { path, services, run } = bot();
    rmSync(path);
    services.flush(); // the check that finds the file gone (every 2 s live)
    expect(services.health().store.notKeptSince).toBeDefined();
    const added = await run('/level add eth 2600');
    expect(added).toContain('Watching ETH $2,600.');
    expect(added.split('\n').filter((l) => l === NOT_KEPT)).toHaveLength(1);
    expect(services.market.levels.all().some((l) => l.chat === 'telegram:-100' && l.level === 2600)).toBe(true);
    expect(await run('/alerts on')).toContain(NOT_KEPT);
    expect(await run('/alerts min 2m')).toContain(NOT_KEPT);
    expect(await run('/level remove eth 2600')).toContain(NOT_KEPT);
    // Nothing changed, nothing to say of it.
    expect(await run('/alerts status')).not.toContain(NOT_KEPT);
    expect(await run('/level remove eth 2600')).not.toContain(NOT_KEPT);
  });

  it('says nothing of it while the store keeps what is written', async () => {
    const { services, run } = bot();
    services.flush();
    const added = await run('/level add eth 2600');
    expect(added).toContain('Watching ETH $2,600.');
    expect(added).not.toContain('until the bot restarts');
    expect(await run('/alerts on')).not.toContain('until the bot restarts');
  });
});
