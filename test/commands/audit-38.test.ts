/**
 * The commands audit 38, on the bundled day (its everyone-level ETH $2,500 "Dec range low", its ETH cascade low
 * $2,357): `/level list eth` in a chat whose levels are on another asset; `/level remove` at a level the deployment sets
 * for every chat, or a cascade's auto level; the same asset typed twice; a label's unclosed quote; and `/alerts min`
 * with cents, a unit, `mm`, or words past the amount.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.js';
import { parseAsset, parseLabel, parsePrice, parseReason, parseUsd } from '../../commands/parse.js';
import { loadConfig } from '../../config/load.js';
import { replyText } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { readSubscription } from '../../src/state/writer.js';
import { BUNDLED } from '../helpers.js';

let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
});

let tick = 0;
// Each command a minute apart, so the fair-use budget stays out of the way.
const text = async (line: string, chat = 'telegram:-3800') =>
  replyText(await runCommandLine(line, { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: true, now: services.now() + ++tick * 61_000, services }));
const own = (chat: string) => services.market.levels.all().filter((l) => l.chat === chat);
const KNOWN = ['BTC', 'ETH', 'SOL'];

describe('/level list <asset> in a chat whose levels are on other assets', () => {
  it('says there are none on that asset, and which assets hold them; /level list lists them all', async () => {
    const chat = 'telegram:-3801';
    expect(await text('/level add bnb 600', chat)).toContain('Watching BNB $600.');
    expect(await text('/level list eth', chat)).toBe('No ETH levels in this chat (BNB: 1).\nAll of them: /level list\n\nAlso watched here for everyone: ETH (/levels eth)');
    expect(await text('/level list', chat)).toBe('Levels in this chat\n\nBNB $600\n\nAlso watched here for everyone: ETH (/levels eth)');
    expect(await text('/level list bnb', chat)).toBe('Levels in this chat\n\nBNB $600');
    await text('/level add btc 80000', chat);
    await text('/level add btc 85000', chat);
    expect(await text('/level list sol', chat)).toContain('No SOL levels in this chat (BTC: 2, BNB: 1).');
  });

  it('a chat with no levels at all reads as before', async () => {
    expect(await text('/level list eth', 'telegram:-3802')).toMatch(/^No levels set in this chat yet\./);
  });
});

describe("/level remove at a level that is not the chat's own", () => {
  it("the deployment's level: watched for every chat, not removable here, and how level alerts are silenced", async () => {
    const chat = 'telegram:-3803';
    const before = services.market.levels.all().length;
    expect(await text('/level remove eth 2500', chat)).toBe(
      'ETH $2,500 Dec range low is watched for every chat (set by the deployment): it cannot be removed from one chat.\n' +
        "No alert is muted one level at a time: /alerts kinds cascade stops every level alert here (this chat's own levels' too).",
    );
    // Typed as it prints, however it is typed; and the zone.
    expect(await text('/level remove eth 2.5k', chat)).toContain('ETH $2,500 Dec range low is watched for every chat');
    expect(await text('/level remove eth 2800-2750', chat)).toContain('ETH $2,750–2,800 prior support is watched for every chat');
    expect(services.market.levels.all().length).toBe(before);
  });

  it("a cascade's auto level: said as what it is, with how to make it the chat's own", async () => {
    const said = await text('/level remove eth 2357', 'telegram:-3804');
    expect(said).toMatch(/^ETH \$2,357 cascade low is an auto level, drawn from a cascade for every chat, not a level of this chat's: it cannot be removed here; it expires on [^\n]+\.\n/);
    expect(said).toContain("Auto levels are never alerted on. To make it this chat's own, kept and alerted: /level add eth 2357");
  });

  it("the chat's own level at a price the deployment also watches is removed, and the deployment's is said to stay", async () => {
    const chat = 'telegram:-3809';
    // Kept from before the deployment set the same price (an add is refused once it has).
    services.apply({ kind: 'level.put', level: { id: `${chat}:ETH@2500`, asset: 'ETH', level: 2500, source: 'chat', chat, createdAt: services.now(), label: 'ours' } });
    expect(await text('/level remove eth 2500', chat)).toBe('Removed ETH $2,500.\nETH $2,500 is still watched here: the deployment sets it for every chat.');
    expect(own(chat)).toEqual([]);
  });

  it('a price with no level at all, and the chat’s own level, read as before', async () => {
    const chat = 'telegram:-3805';
    expect(await text('/level remove eth 2600', chat)).toBe('This chat has no ETH level at $2,600.\nSee them with /level list.');
    await text('/level add eth 2600', chat);
    expect(await text('/level remove eth 2600', chat)).toBe('Removed ETH $2,600.');
    expect(own(chat)).toEqual([]);
  });
});

describe('the same asset typed twice is that asset', () => {
  it('/liqs eth eth and /oi eth eth answer for ETH over the default window; /levels eth eth for ETH', async () => {
    expect(await text('/liqs eth eth')).toBe(await text('/liqs eth'));
    expect(await text('/liqs eth ethereum')).toBe(await text('/liqs eth'));
    expect(await text('/oi eth eth')).toBe(await text('/oi eth'));
    expect(await text('/levels eth eth')).toMatch(/^ETH levels · /);
    expect(await text('/liqs eth,eth')).toBe(await text('/liqs eth'));
    // Two assets are still two.
    expect(await text('/liqs eth btc')).toBe('One asset at a time: ETH or BTC.');
    expect(await text('/oi eth btc')).toBe('One asset at a time: ETH or BTC.');
  });

  it('parseAsset reads one asset typed twice, in any of its names, as that asset; not a known one beside an unknown', () => {
    expect(parseAsset('eth,eth', KNOWN)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('eth ethereum', KNOWN)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('ETH + eth', KNOWN)).toEqual({ ok: true, value: 'ETH' });
    expect(parseAsset('eth,foo', KNOWN)).toMatchObject({ ok: false, error: 'unknown_asset' });
    expect(parseAsset('eth,btc,eth', KNOWN)).toMatchObject({ ok: false, message: 'One asset at a time: ETH or BTC.' });
  });
});

describe("a label's unclosed quote is taken off", () => {
  it.each([
    ['"prior support', 'prior support'],
    ['prior support"', 'prior support'],
    ['“prior support', 'prior support'],
    ['prior support”', 'prior support'],
    ['‘prior support', 'prior support'],
    ["'prior support", 'prior support'],
    // Apostrophes and quotes inside are the label's.
    ["bulls'", "bulls'"],
    ['bulls’', 'bulls’'],
    ["'24 high", "'24 high"],
    ['Dec "big" low', 'Dec "big" low'],
    ['"big" low', '"big" low'],
    ['"', undefined],
  ])('%s is %s', (typed, value) => {
    expect(parseLabel(typed, 60)).toEqual({ ok: true, value });
  });

  it('/level add and /level propose keep the words, not the stray quote', async () => {
    const chat = 'telegram:-3806';
    expect(await text('/level add eth 2354 "prior support', chat)).toContain('Watching ETH $2,354 prior support.');
    expect(own(chat).map((l) => l.label)).toEqual(['prior support']);
    expect(parseReason('“the line from January', 200)).toEqual({ ok: true, value: 'the line from January' });
  });
});

describe('/alerts min: what is kept is what is shown', () => {
  const chat = 'telegram:-3807';
  const min = () => readSubscription(services.store, chat)?.minUsd;

  it('cents are refused (they were kept and shown rounded: $1.5 read "$2")', async () => {
    expect(await text('/alerts min 1.5', chat)).toBe('"1.5" has cents: a minimum is whole dollars, like $1 or $2. A minimum goes from $1 to $1B, or 0 for any size.');
    expect(min()).toBeUndefined();
    expect(parseUsd('1234.5')).toMatchObject({ ok: false, message: expect.stringContaining('like $1,234 or $1,235') });
    expect(parseUsd('1.5K')).toEqual({ ok: true, value: 1500 });
  });

  it('an amount the short form would round is shown to the dollar', async () => {
    expect(await text('/alerts min 1234567', chat)).toContain('Alerts are OFF · cascades from $1,234,567\n');
    expect(await text('/alerts', chat)).toContain('Smallest cascade posted: $1,234,567\n');
    expect(min()).toBe(1_234_567);
    expect(await text('/alerts min $1.5M', chat)).toContain('Smallest cascade posted: $1.5M\n');
  });

  it('a minimum kept with cents before they were refused is shown with them', async () => {
    const legacy = 'telegram:-3808';
    services.apply({ kind: 'subscription.put', subscription: { chat: legacy, enabled: true, assets: [], families: ['cascade'], minUsd: 1.5, updatedAt: services.now() } });
    expect(await text('/alerts', legacy)).toContain('Smallest cascade posted: $1.5\n');
  });

  it('a trailing unit is the amount; mm is millions', async () => {
    for (const typed of ['5M usd', '5M USDT', '5M usdc', '5M dollars', '5M$', '5mm', '$5MM', '5 mm', '5mm usd']) {
      expect(parseUsd(typed), typed).toEqual({ ok: true, value: 5e6 });
    }
    expect(parseUsd('2.5mm')).toEqual({ ok: true, value: 2.5e6 });
    expect(await text('/alerts min 5mm', chat)).toContain('Smallest cascade posted: $5M\n');
    expect(min()).toBe(5e6);
    // Prices are read as before: `mm` is no price suffix.
    expect(parsePrice('2.5mm')).toMatchObject({ ok: false, error: 'bad_number' });
  });

  it('other words past the amount are refused as any change with words it does not take, and nothing changes', async () => {
    await text('/alerts min 7M', chat);
    expect(await text('/alerts min 5M please', chat)).toBe('"please" is more than /alerts min takes: nothing changed.\nUsage: /alerts min $5M.');
    expect(await text('/alerts min 5M usd for eth', chat)).toBe('"for eth" is more than /alerts min takes: nothing changed.\nUsage: /alerts min $5M.');
    expect(await text('/alerts min 5M @someone', chat)).toBe('(a mention, not repeated) is more than /alerts min takes: nothing changed.\nUsage: /alerts min $5M.');
    expect(min()).toBe(7e6);
    // Words that hold no amount are refused as before.
    expect(await text('/alerts min lots of money', chat)).toBe('"lots of money" is not a dollar amount. Try $5M, $500K or 0 for any size.');
  });
});
