/**
 * Windows as traders type them: decimals and compounds (`1.5h`, `1h30m`, `4h30`) read as minutes, `5M` asked
 * about (minutes or months?), calendar words answered with the window that counts back from now, and a window typed
 * where the asset goes answered as a window, not as an unknown asset.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { parseAnyWindow } from '../../commands/parse.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

const WINDOWS = ['1h', '4h', '12h', '24h', '7d'] as const;
const read = (raw: string, now?: number) => parseAnyWindow(raw, WINDOWS, '24h', now);

describe('parseAnyWindow', () => {
  afterEach(() => setTimeZone('UTC'));

  it('reads decimals and compounds as whole minutes', () => {
    expect(read('1.5h')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    expect(read('1,5h')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    expect(read('1h30m')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    expect(read('1h 30m')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    expect(read('4h30')).toEqual({ ok: true, value: { name: '270m', ms: 270 * 60_000 } });
    expect(read('0.5d')).toEqual({ ok: true, value: { name: '12h', ms: 12 * 3_600_000 } });
    expect(read('2d12h')).toEqual({ ok: true, value: { name: '60h', ms: 60 * 3_600_000 } });
    expect(read('0.01h')).toMatchObject({ ok: false, message: expect.stringContaining('whole minutes') });
    expect(read('1.5w')).toMatchObject({ ok: false, message: expect.stringContaining('from 5m to 7d') });
  });

  it('asks whether 5M is minutes or months', () => {
    expect(read('5M')).toMatchObject({ ok: false, message: '"5M": minutes or months? Windows go from 5m to 7d; write 5m for minutes.' });
    expect(read('5m')).toMatchObject({ ok: true, value: { name: '5m' } });
  });

  it('answers a calendar word with the window that counts back from now, in the chat’s zone', () => {
    const now = Date.parse('2025-04-07T14:20:00Z');
    expect(read('today', now)).toMatchObject({ ok: false, message: 'Windows count back from now: today so far (since 00:00 UTC) is within the last 15h. Try 15h.' });
    setTimeZone('Asia/Seoul'); // 23:20 there
    expect(read('today', now)).toMatchObject({ ok: false, message: 'Windows count back from now: today so far (since 00:00 GMT+9) is within the last 24h. Try 24h.' });
    expect(read('since 14:00', now)).toMatchObject({ ok: false, message: expect.stringContaining('Windows count back from now, from 5m to 7d: "since 14:00" is not one.') });
    setTimeZone('UTC');
    expect(read('yesterday', now)).toMatchObject({ ok: false, message: 'Windows count back from now: yesterday began at 00:00 UTC the day before today, so yesterday and today so far are within the last 39h. Try 39h.' });
    setTimeZone('Asia/Seoul'); // Apr 7 23:20 there: yesterday began Apr 6 00:00 GMT+9, 47h20m ago
    expect(read('yesterday', now)).toMatchObject({ ok: false, message: 'Windows count back from now: yesterday began at 00:00 GMT+9 the day before today, so yesterday and today so far are within the last 48h. Try 48h.' });
    expect(read('yesterday')).toMatchObject({ ok: false, message: expect.stringContaining('is not one') });
  });
});

describe('/liqs with a window where the asset goes', () => {
  let services: Services;
  beforeAll(async () => {
    const run = await runFile(BUNDLED, loadConfig());
    services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
  });
  const text = async (line: string) => {
    const ctx: CommandContext = { chat: { key: 'telegram:-78', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: services.now(), services };
    return replyText(await runCommandLine(line, ctx));
  };

  it('is answered as a window', async () => {
    expect(await text('/liqs 1.5h')).toContain('· 90m');
    expect(await text('/liqs today')).toMatch(/^Windows count back from now: today so far \(since 00:00 UTC\) is within the last \d+h\. Try \d+h\.$/);
    expect(await text('/liqs eth today')).toMatch(/^Windows count back from now: today so far/);
    expect(await text('/liqs btc yesterday')).toMatch(/^Windows count back from now: yesterday began at 00:00 UTC the day before today, so yesterday and today so far are within the last \d+h\. Try \d+h\.$/);
    expect(await text('/liqs eth 1h30m')).toContain('ETH liquidations · 90m');
    expect(await text('/liqs bogus')).toMatch(/^Unknown asset "bogus"/);
  });
});
