/** The terminal adapter: the same commands at a prompt, alerts printed, nothing a user typed can inject escapes. */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { createTerminalAdapter } from '../../../src/adapters/terminal/adapter.js';
import { ExchangeStatusLines, shorten } from '../../../src/adapters/terminal/status.js';
import type { FeedStatus } from '../../../src/feeds/contract.js';
import { escapeTerminal, renderListEntry, renderTerminal } from '../../../src/adapters/terminal/render.js';
import type { Reply } from '../../../src/replies/reply.js';
import { runFile } from '../../../src/offline.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { createServices } from '../../../src/service.js';
import { Market } from '../../../src/core/market.js';
import { BUNDLED, DAY0 } from '../../helpers.js';

describe('terminal rendering', () => {
  it('no control character (ESC included) survives the escaper, and newlines do (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = escapeTerminal(s);
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(out)).toBe(false);
        expect(out.split('\n').length).toBe(s.split('\n').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('colours only what the reply marks, and plain output has no escape codes at all', () => {
    const reply = { title: ['ETH \u001b[31mred'], blocks: [[[{ text: 'Longs $5M', tone: 'long' as const, bold: true }]]] };
    expect(renderTerminal(reply, false)).toBe('ETH [31mred\n\nLongs $5M');
    expect(renderTerminal(reply, true)).toContain('\u001b[1;31mLongs $5M\u001b[0m');
  });
});

describe('a list of alerts (liqbot demo)', () => {
  const at = Date.parse('2026-01-31T12:30:00Z');
  const lost: Reply = { title: ['⬇️ ETH lost $3,000'], blocks: [[['15m close $2,969']]] };

  it("says an alert's time once, in its footer stamp as the chats read it: no time before its first line", () => {
    expect(renderListEntry({ ...lost, footer: ['2026-01-31 12:30 UTC'] }, at)).toBe('  ⬇️ ETH lost $3,000\n\n    15m close $2,969\n\n    2026-01-31 12:30 UTC');
  });

  it('a reply without a footer has its time on its first line instead, the rest hanging under it', () => {
    expect(renderListEntry(lost, at)).toBe('  12:30  ⬇️ ETH lost $3,000\n\n         15m close $2,969');
  });
});

describe('terminal adapter', () => {
  it('answers commands typed at the prompt and prints alerts it is given', async () => {
    const run = await runFile(BUNDLED, loadConfig());
    const input = new PassThrough(), output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    const services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.lastTs });
    const adapter = createTerminalAdapter({ services, input, output, color: false });
    await adapter.start();
    input.write('liqs eth 4h\n');
    const deadline = Date.now() + 5000;
    while (!text.includes('ETH liquidations · 4h') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(text).toContain('ETH liquidations · 4h');
    const r = await adapter.deliver({ chat: 'terminal:local' }, { title: ['ETH lost $3,000'], blocks: [] });
    expect(r).toEqual({ ok: true, messageRef: '1' });
    expect(text).toContain('ETH lost $3,000');
    await adapter.stop();
  });
});

/** A prompt on in-memory streams; `until` waits for output (polling the captured text, bounded). */
async function prompt(onQuit?: (how: string) => void) {
  const config = loadConfig();
  const input = new PassThrough(), output = new PassThrough();
  let text = '';
  output.on('data', (d) => (text += d));
  const market = new Market(config);
  market.catchUp(DAY0);
  const services = createServices({ config, market, store: createMemoryStore(), now: () => DAY0 });
  const adapter = createTerminalAdapter({ services, input, output, color: false, ...(onQuit ? { onQuit } : {}) });
  await adapter.start();
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  return { adapter, input, output: () => text, until };
}

describe('terminal prompt as a REPL', () => {
  it.each(['/quit', 'quit', 'exit', '/exit', 'QUIT'])('%s leaves the prompt', async (word) => {
    const onQuit = vi.fn();
    const t = await prompt(onQuit);
    t.input.write(`${word}\n`);
    await t.until(() => onQuit.mock.calls.length > 0);
    expect(onQuit).toHaveBeenCalledWith(word);
    await t.adapter.stop();
    expect(onQuit).toHaveBeenCalledTimes(1);
  });

  it('a terminal gone under it (EIO once an SSH session closed) stops the bot cleanly, not an unhandled error', async () => {
    const onQuit = vi.fn();
    const t = await prompt(onQuit);
    t.input.emit('error', Object.assign(new Error('read EIO'), { code: 'EIO' }));
    expect(onQuit).toHaveBeenCalledWith('terminal gone');
    await t.adapter.stop();
    expect(onQuit).toHaveBeenCalledTimes(1);
  });

  it('Ctrl-D (end of input) leaves the prompt; stopping the adapter is not a second quit', async () => {
    const onQuit = vi.fn();
    const t = await prompt(onQuit);
    t.input.end();
    await t.until(() => onQuit.mock.calls.length > 0);
    expect(onQuit).toHaveBeenCalledWith('end of input');
    await t.adapter.stop();
    expect(onQuit).toHaveBeenCalledTimes(1);
  });

  it('pasted commands run one after another: /levels sees the level the /level add before it set, /quit waits for both', async () => {
    const onQuit = vi.fn();
    const t = await prompt(onQuit);
    t.input.write('/level add eth 2350 "pasted"\n/levels eth\n/quit\n');
    await t.until(() => onQuit.mock.calls.length > 0);
    const out = t.output();
    const added = out.indexOf('2,350'), listed = out.indexOf('ETH levels');
    expect(added).toBeGreaterThan(0);
    expect(listed).toBeGreaterThan(added);
    expect(out.slice(listed)).toContain('pasted');
    expect(out).not.toContain('No ETH levels yet');
    expect(onQuit).toHaveBeenCalledWith('/quit');
    await t.adapter.stop();
  });

  it('the local operator is never rate-limited (40 commands in a minute all answered)', async () => {
    const t = await prompt();
    for (let i = 0; i < 40; i++) t.input.write('levels eth\n');
    await t.until(() => (t.output().match(/No ETH levels yet/g) ?? []).length >= 40);
    expect((t.output().match(/No ETH levels yet/g) ?? []).length).toBe(40);
    expect(t.output()).not.toContain('Easy there');
    await t.adapter.stop();
  });

  it('prints a status notice on its own line and redraws the prompt after it', async () => {
    const t = await prompt();
    t.adapter.notice('bybit unreachable (connection refused); retrying in the background');
    expect(t.output().endsWith('· bybit unreachable (connection refused); retrying in the background\nliqbot> ')).toBe(true);
    t.adapter.notice('okx \u001b[2Jreachable again');
    expect(t.output()).toContain('· okx [2Jreachable again\n');
    await t.adapter.stop();
  });
});

describe('exchange status lines', () => {
  const st = (exchange: string, stream: 'liquidations' | 'prices', state: FeedStatus['state'], since: number, error?: string): FeedStatus =>
    ({ exchange, stream, state, since, sampled: false, ...(error ? { error } : {}) });

  it('one line when an exchange goes down (however many streams), one when every stream is back', () => {
    const lines = new ExchangeStatusLines();
    const err = 'FeedError: bybit: cannot load markets: NetworkError: bybit GET https://api.bybit.com/v5/market fetch failed: getaddrinfo ENOTFOUND api.bybit.com';
    expect(lines.update(st('bybit', 'liquidations', 'connecting', 0))).toBeUndefined();
    expect(lines.update(st('bybit', 'liquidations', 'down', 1_000, err))).toBe('Bybit unreachable (cannot resolve api.bybit.com: no network or DNS); retrying in the background, replies use stored data meanwhile');
    expect(lines.update(st('bybit', 'prices', 'down', 1_000, err))).toBeUndefined();
    expect(lines.update(st('okx', 'liquidations', 'live', 1_000))).toBeUndefined();
    expect(lines.update(st('bybit', 'liquidations', 'live', 60_000))).toBeUndefined();
    expect(lines.update(st('bybit', 'prices', 'live', 126_000))).toBe('Bybit reachable again after 2 min 5 s');
    expect(lines.update(st('bybit', 'prices', 'live', 127_000))).toBeUndefined();
    expect(lines.update(st('bybit', 'prices', 'down', 200_000, 'connect ECONNREFUSED 127.0.0.1:443'))).toBe('Bybit unreachable (connection refused); retrying in the background, replies use stored data meanwhile');
  });

  it('keeps a reason short: network causes in words, anything else cut at 80 characters', () => {
    expect(shorten('NetworkError: okx GET https://www.okx.com/api/v5 request timed out (ETIMEDOUT)')).toBe('timed out');
    expect(shorten(`FeedError: ${'a'.repeat(200)}`)).toBe(`${'a'.repeat(79)}…`);
    expect(shorten('ExchangeError: okx: 451 restricted location\nstack…')).toBe('okx: 451 restricted location');
  });
});
