/**
 * What people type to /oi (and every asset or window): a second asset is "one at a time", quotes and full-width
 * letters read as the word, a suggestion is accepted when typed, the window asked is the button marked, a data
 * file with nothing says so once; /help start answers; a member refused an admin's command hears all they may use.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, MEMBER_HINT, adminParts, runCommandLine } from '../../commands/index.js';
import { parseAnyWindow, parseAsset, parseWindow } from '../../commands/parse.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
});

let tick = 0;
const say = (line: string, isAdmin = false): Promise<Reply> => {
  const ctx: CommandContext = { chat: { key: 'telegram:-77', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin, now: services.now() + ++tick * 61_000, services };
  return runCommandLine(line, ctx);
};
const text = async (line: string, isAdmin = false) => replyText(await say(line, isAdmin));

describe('/oi arguments', () => {
  it('a second asset is one at a time, typed with a space as with a comma', async () => {
    expect(await text('/oi eth btc')).toBe('One asset at a time: ETH or BTC.');
    expect(await text('/oi eth,btc')).toBe('One asset at a time: ETH or BTC.');
  });

  it('reads a quoted asset or window as the word, and nothing between quotes as nothing', async () => {
    expect(await text('/oi "eth"')).toContain('ETH open interest · 24h');
    expect(await text('/oi “eth” \'4h\'')).toContain('ETH open interest · 4h');
    expect(await text('/oi eth ""')).toContain('ETH open interest · 24h');
    expect(await text('/oi ""')).toBe('Which asset? For example: eth');
    // What is echoed is the word, quoted once, raw for the adapter to escape.
    expect(await text('/oi "<b>x</b>"')).toMatch(/^Unknown asset "<b>x<\/b>"\./);
  });

  it('reads full-width letters and digits as they show', async () => {
    expect(await text('/oi ｅｔｈ ４ｈ')).toContain('ETH open interest · 4h');
    expect(parseAsset('ＥＴＨ', ['ETH'])).toEqual({ ok: true, value: 'ETH' });
    expect(parseWindow('２４ｈ', ['1h', '24h'], '1h')).toEqual({ ok: true, value: '24h' });
    expect(parseAnyWindow('３ｈ', ['1h', '4h', '12h', '24h', '7d'], '24h')).toEqual({ ok: true, value: { name: '3h', ms: 3 * 3_600_000 } });
  });

  it('takes the coin for its one multiplied contract, as the suggestion offers it', () => {
    expect(parseAsset('pepe', ['ETH', '1000PEPE'])).toEqual({ ok: true, value: '1000PEPE' });
    expect(parseAsset('babydoge', ['1MBABYDOGE'])).toEqual({ ok: true, value: '1MBABYDOGE' });
    expect(parseAsset('$pepe', ['1000PEPE'])).toEqual({ ok: true, value: '1000PEPE' });
    // Two of that form: which one is asked.
    const two = parseAsset('pepe', ['1000PEPE', '1000000PEPE']);
    expect(two).toMatchObject({ ok: false, error: 'unknown_asset' });
    if (!two.ok) expect(two.message).toContain('Did you mean 1000000PEPE, 1000PEPE?');
    // 1INCH is a name, not a multiplied INCH.
    expect(parseAsset('inch', ['1INCH']).ok).toBe(false);
  });

  it('marks the window asked among the buttons, adding it in order when it is not one of them', async () => {
    const r = await say('/oi eth 12h');
    expect(r.buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '4h', '12h*', '24h', '7d']);
    expect(r.buttons?.find((b) => b.active)?.command).toBe('oi ETH 12h');
    const three = await say('/oi eth 3h');
    expect(three.buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '3h*', '4h', '24h', '7d']);
    expect((await say('/oi eth 4h')).buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '4h*', '24h', '7d']);
  });

  it('a data file without an asset’s open interest says so once, with no "yet"', async () => {
    const t = await text('/oi btc');
    expect(t).toBe('BTC open interest\n\nThe data holds no open interest or funding for BTC.');
  });
});

describe('/help start and the members’ hint', () => {
  it('/help start answers, as the README lists /start', async () => {
    const r = await say('/help start');
    expect(r.tone).not.toBe('error');
    expect(replyText(r)).toContain('/start');
    expect(replyText(r)).toContain('Introduction');
  });

  it('a member refused an admin’s command hears every command they may use', async () => {
    const r = await text('/alerts on');
    expect(r).toBe(`Only admins of this chat can change its levels and alerts.\n${MEMBER_HINT}`);
    for (const c of COMMANDS.filter((x) => adminParts(x) === 'none')) expect(MEMBER_HINT).toContain(`/${c.name},`);
    expect(MEMBER_HINT).toContain('/alerts status');
    expect(MEMBER_HINT).toContain('/level list');
  });
});
