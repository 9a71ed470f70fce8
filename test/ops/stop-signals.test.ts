/**
 * How a running bot stops, as an operator meets it: a rehearsal stopped part way says so (at which moment of the
 * recording, how far in, how many events it replayed), never that the day is over; SIGHUP (the SSH session that ran
 * the bot closed) is a clean stop like SIGTERM; and at the terminal prompt, where only errors are logged, the last
 * line still tells what the stop lost, with exit code 1.
 */
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createTerminalAdapter } from '../../src/adapters/terminal/adapter.js';
import { LiqBot } from '../../src/bot.js';
import { stopInOrder } from '../../src/main.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { faultyStore, WRITES } from '../store/faulty.js';
import { majorsFlush, tempDir } from '../helpers.js';
import { killLeftovers, logLines, startBot } from './bot-process.js';

afterEach(killLeftovers);

const T0 = Date.parse('2026-03-02T00:00:00Z');

/**
 * A day to rehearse: the six majors' longs liquidated in its first five minutes (ETH's cascade alert at 00:03 prints
 * at the prompt: the replay is under way),
 * then an ETH print every 10 s for 24 hours, 12 minutes at --speed 120: a stop comes long before its end.
 */
function longDay(dir: string): { file: string; events: number } {
  const lines: object[] = [{ type: 'meta', ts: 0, synthetic: true }, ...majorsFlush(T0)];
  for (let t = T0 + 10 * 60_000; t < T0 + 24 * 3_600_000; t += 10_000) lines.push({ type: 'liquidation', ts: t, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'short', price: 3000, amount: 0.1 });
  const file = join(dir, 'long-day.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { file, events: lines.length - 1 };
}

describe('a rehearsal stopped part way', () => {
  it('SIGTERM during the replay: the last rehearsal line says it was stopped, at which recorded time and how far in', async () => {
    const dir = tempDir();
    const day = longDay(dir);
    const bot = startBot(dir, ['--replay', day.file, '--speed', '120']);
    await bot.waitFor(/ETH long liquidation cascade/);
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    expect(logLines(bot.err(), /recorded day is over/)).toEqual([]);
    const said = logLines(bot.err(), /^rehearsal (finished|stopped)/).map((l) => l.msg);
    expect(said).toHaveLength(1);
    const m = /^rehearsal stopped part way, at (2026-03-02 \d\d:\d\d) UTC of the recording, (.+) after its first event \((\d+) events replayed\); the rest of .*long-day\.jsonl was not replayed$/.exec(said[0]!);
    expect(m, said[0]).not.toBeNull();
    // ETH's cascade (00:03) was replayed; the day's end (23:59) was not.
    expect(m![1]! >= '2026-03-02 00:03').toBe(true);
    expect(m![1]! < '2026-03-02 23:59').toBe(true);
    const replayed = Number(m![3]);
    expect(replayed).toBeGreaterThanOrEqual(60); // ten rounds of six prints came before ETH's alert
    expect(replayed).toBeLessThan(day.events);
  }, 90_000);
});

describe('SIGHUP', () => {
  it('stops the bot cleanly, as SIGTERM does: its stop runs and the last line is logged, exit 0', async () => {
    const bot = startBot(tempDir(), []);
    await bot.waitFor(/Type a command/);
    bot.child.kill('SIGHUP');
    const exit = await bot.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(bot.out()).toContain('stopping…');
    expect(logLines(bot.err(), /^stopping/)).toMatchObject([{ reason: 'SIGHUP' }]);
    expect(logLines(bot.err(), /^stopped$/)).toHaveLength(1);
  }, 60_000);
});

describe('a stop at the terminal prompt that lost changes', () => {
  it('prints what was lost at the prompt (only errors are logged there) and returns exit code 1', async () => {
    const { store } = faultyStore(createMemoryStore(), Object.fromEntries(WRITES.map((w) => [w, 'SQLITE_FULL'])));
    const bot = new LiqBot({ config: loadConfig(), store, now: () => T0 });
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const prompt = createTerminalAdapter({ services: bot, input: new PassThrough(), output });
    await prompt.start();
    // Two levels added while the disk is full: held, never stored (each a level and its state).
    for (const price of [2300, 2400]) bot.apply({ kind: 'level.put', level: { id: `eth-${price}`, asset: 'ETH', level: price, source: 'chat', chat: 'terminal:local', createdAt: T0 } });
    const [, line, code] = await stopInOrder({ bot, writer: { close: async () => undefined }, store: { close: () => undefined }, prompt, code: 0 });
    expect(line).toBe('stopped; 0 events, 0 alerts and 4 changes of levels, settings or proposals were not saved: the store refused them (saveLevels: SQLITE_FULL)');
    expect(printed).toContain(`· ${line}\n`);
    expect(code).toBe(1);
  });

  it('a stop that lost nothing prints nothing more and keeps its exit code', async () => {
    const bot = new LiqBot({ config: loadConfig(), store: createMemoryStore(), now: () => T0 });
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const prompt = createTerminalAdapter({ services: bot, input: new PassThrough(), output });
    await prompt.start();
    const before = printed;
    const [, line, code] = await stopInOrder({ bot, writer: { close: async () => undefined }, store: { close: () => undefined }, prompt, code: 0 });
    expect(line).toBe('stopped');
    expect(printed).toBe(before);
    expect(code).toBe(0);
  });
});
