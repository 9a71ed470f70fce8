/** The terminal adapter: the same commands at a prompt, alerts printed, nothing a user typed can inject escapes. */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { createTerminalAdapter } from '../../../src/adapters/terminal/adapter.js';
import { escapeTerminal, renderTerminal } from '../../../src/adapters/terminal/render.js';
import { runFile } from '../../../src/offline.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { BUNDLED } from '../../helpers.js';

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

describe('terminal adapter', () => {
  it('answers commands typed at the prompt and prints alerts it is given', async () => {
    const run = await runFile(BUNDLED, loadConfig());
    const input = new PassThrough(), output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    const services = { config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.lastTs };
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
