/**
 * Hostile-input audit of what members type: a dollar amount with dots between thousands (`1.000`, read as $1) is
 * refused as ambiguous, as `2,35k` is; a window with a number after the hours that is no minute (`4h99`) or a unit said
 * twice (`1h30m30m`) is refused with the usage answer, never summed; a domain written with an ideographic or full-width
 * full stop (`scam。com`) is a link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { parseAnyWindow, parseLabel, parseLevel, parsePrice, parseReason, parseUsd, quote } from '../../commands/parse.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

const WINDOWS = ['1h', '4h', '12h', '24h', '7d'] as const;
const usage = (typed: string) => `Unknown window "${typed}". Use one of 1h, 4h, 12h, 24h, 7d, or any from 5m to 7d like 30m, 2h or 3d.`;

describe('a dollar amount with dots between thousands', () => {
  it.each([
    ['1.000', '"1.000" is ambiguous: write 1000 or $1K (no dots between thousands: a dot is a decimal point).'],
    ['5.000', '"5.000" is ambiguous: write 5000 or $5K (no dots between thousands: a dot is a decimal point).'],
    ['25.000', '"25.000" is ambiguous: write 25000 or $25K (no dots between thousands: a dot is a decimal point).'],
    ['1.000.000', '"1.000.000" is ambiguous: write 1000000 or $1M (no dots between thousands: a dot is a decimal point).'],
    ['$2.500.000', '"$2.500.000" is ambiguous: write 2500000 or $2.5M (no dots between thousands: a dot is a decimal point).'],
    ['1.250', '"1.250" is ambiguous: write 1250 or $1.25K (no dots between thousands: a dot is a decimal point).'],
    ['1.234.567', '"1.234.567" is ambiguous: write 1234567 (no dots between thousands: a dot is a decimal point).'],
  ])('%s is refused as ambiguous, saying how to write it', (typed, message) => {
    expect(parseUsd(typed)).toEqual({ ok: false, error: 'ambiguous_number', message });
  });

  it('other amounts with a dot are read as before; a price of 2.350 (XRP) is a price', () => {
    expect(['1.5K', '$2.35M', '1.5M', '1.000k', '1,000', '1000', '0.000'].map((t) => parseUsd(t))).toEqual(
      [1500, 2.35e6, 1.5e6, 1000, 1000, 1000, 0].map((value) => ({ ok: true, value })),
    );
    // Cents are no minimum's (kept, they were shown rounded: $1.5 read "$2"; audit 38).
    expect(['1.5', '$2.35'].map((t) => parseUsd(t))).toEqual([{ ok: false, error: 'bad_number', message: expect.stringContaining('has cents') }, { ok: false, error: 'bad_number', message: expect.stringContaining('has cents') }]);
    expect(parseUsd('0.500')).toMatchObject({ ok: false, error: 'out_of_range' });
    expect(parsePrice('2.350')).toEqual({ ok: true, value: 2.35 });
    expect(parseLevel('1.000-1.100')).toEqual({ ok: true, value: [1, 1.1] });
    // And the refusal of `1.000` is ambiguity, as that of `2,35k` is.
    expect(parseUsd('1.000')).toMatchObject({ ok: false, error: 'ambiguous_number' });
  });
});

describe('a window', () => {
  it.each(['4h99', '4h60', '4h 75', '1h30m30m', '2h1h', '1d1d'])('%s is refused with the usage answer', (typed) => {
    expect(parseAnyWindow(typed, WINDOWS, '24h')).toEqual({ ok: false, error: 'bad_window', message: usage(typed) });
  });

  it('the minutes after the hours (0 to 59) and compounds of distinct units are read as before', () => {
    const read = (t: string) => parseAnyWindow(t, WINDOWS, '24h');
    expect(read('4h30')).toEqual({ ok: true, value: { name: '270m', ms: 270 * 60_000 } });
    expect(read('4h59')).toEqual({ ok: true, value: { name: '299m', ms: 299 * 60_000 } });
    expect(read('1h 30m')).toEqual({ ok: true, value: { name: '90m', ms: 90 * 60_000 } });
    expect(read('2d12h')).toEqual({ ok: true, value: { name: '60h', ms: 60 * 3_600_000 } });
    expect(read('4h99')).toMatchObject({ ok: false, error: 'bad_window' });
  });
});

describe('a link written with another full stop', () => {
  const refused = { ok: false, error: 'label_link', message: 'A label cannot hold links or @mentions: say it in words.' };
  it.each(['scam\u3002com', 'buy at scam\u3002com now', 'scam\uFF61io', 'see t\u3002me/x', 'SCAM\u3002ＣＯＭ'])('%s is a link', (s) => {
    expect(parseLabel(s, 60)).toEqual(refused);
    expect(parseReason(s, 140)).toMatchObject({ ok: false, error: 'label_link' });
    expect(quote(s)).toBe('(a link, not repeated)');
  });

  it('a full-width full stop is a dot as before; an ideographic one ending a sentence before CJK text or a number is no link', () => {
    expect(parseLabel('scam\uFF0Ecom', 60)).toEqual(refused);
    expect(parseLabel('前高\u3002阻力', 60)).toEqual({ ok: true, value: '前高\u3002阻力' });
    expect(parseLabel('支撑位\u30022350 附近', 60)).toEqual({ ok: true, value: '支撑位\u30022350 附近' });
    expect(parseLabel('scam\u3002com', 60)).toEqual(refused);
  });
});

describe('in a chat', () => {
  let services: Services;
  beforeAll(async () => {
    const run = await runFile(BUNDLED, loadConfig());
    services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
  });
  let tick = 0;
  const text = async (line: string) => {
    // Each command a minute apart, so the fair-use budget stays out of the way.
    const ctx: CommandContext = { chat: { key: 'telegram:-4343', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: services.now() + ++tick * 61_000, services };
    return replyText(await runCommandLine(line, ctx));
  };

  it('/liqs eth 4h99 and 1h30m30m get the usage answer, not a 339m or 2h summary', async () => {
    expect(await text('/liqs eth 4h99')).toContain(usage('4h99'));
    expect(await text('/liqs eth 1h30m30m')).toContain(usage('1h30m30m'));
    expect(await text('/liqs eth 1h30m')).toContain('ETH liquidations · 90m');
  });

  it('/alerts min 1.000 is refused, not set to $1', async () => {
    const said = await text('/alerts min 1.000');
    expect(said).toContain('"1.000" is ambiguous: write 1000 or $1K');
    expect(said).not.toContain('$1 ');
    expect(await text('/alerts min 1000')).toContain('cascades from $1K');
  });
});
