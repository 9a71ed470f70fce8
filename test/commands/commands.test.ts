/**
 * Commands defined once: what a chat gets back for what people type, who may change settings, and that a
 * hostile message always gets a clear answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_COMMANDS, parseCommandLine, runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { b, replyText, type Reply } from '../../src/replies/reply.js';
import { loadFile, runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { Market } from '../../src/core/market.js';
import { BUNDLED } from '../helpers.js';

let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
});

let tick = 0;
function ctx(isAdmin = true, chat = 'telegram:-100'): CommandContext {
  // Each command a minute apart, so the fair-use budget (tested on its own below) stays out of the way.
  return { chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin, now: services.now() + ++tick * 61_000, services };
}
const say = async (text: string, admin = true, chat?: string): Promise<Reply> => runCommandLine(text, ctx(admin, chat));
const text = async (line: string, admin = true, chat?: string) => replyText(await say(line, admin, chat));

describe('/liqs', () => {
  it('answers for an asset with totals, split, venues and the window buttons', async () => {
    const r = await say('/liqs eth');
    const t = replyText(r);
    expect(t).toContain('ETH liquidations · 24h');
    // $485M of single long orders plus Bitget's and Hyperliquid's hourly vendor totals, which are labelled.
    expect(t).toContain('Longs $592M (96%)');
    expect(t).toContain('Hyperliquid $70.8M · 11% (hourly totals)');
    expect(t).toContain('hourly vendor totals only: Bitget, Hyperliquid');
    // Binance's and OKX's streams are sampled and Bybit's complete: their shares are reported, not turned into a conclusion.
    expect(t).toContain('OKX 17%, Binance 6%: lower bounds (sampled), no conclusion.');
    expect(t).not.toContain('the leverage sat elsewhere');
    expect(r.buttons?.map((b) => b.command)).toEqual(['liqs ETH 1h', 'liqs ETH 4h', 'liqs ETH 24h', 'liqs ETH 7d']);
    expect(r.buttons?.find((b) => b.active)?.label).toBe('24h');
  });
  it('takes the window in either order, and `all` or nothing for the market view', async () => {
    expect(await text('/liqs 4h eth')).toContain('ETH liquidations · 4h');
    expect(await text('/liqs')).toMatch(/Market liquidations · 24h[\s\S]*BTC \$\d/);
    expect(await text('/liqs all 1h')).toContain('Market liquidations · 1h');
    // A number and its unit typed apart are one window, in either place, and nothing is left over to ignore.
    expect(await text('/liqs eth 4 h')).toContain('ETH liquidations · 4h');
    expect(await text('/liqs 1 week eth')).toContain('ETH liquidations · 7d');
    expect(await text('/liqs eth 4 hours')).not.toContain('Ignored');
    expect(await text('/liqs eth last 4h')).toContain('ETH liquidations · 4h');
    expect(await text('/liqs past 24 hours eth')).toContain('ETH liquidations · 24h');
    expect(await text('/liqs eth week')).toContain('ETH liquidations · 7d');
    expect(await text('/liqs week')).toContain('Market liquidations · 7d');
    // Any window from 5m to 7d, as a trader asks right after a flush; the asked one is added to the buttons and marked (as /oi does).
    const half = await say('/liqs eth 30m');
    expect(replyText(half)).toContain('ETH liquidations · 30m');
    expect(half.buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['30m*', '1h', '4h', '24h', '7d']);
    expect(half.buttons?.find((b) => b.active)?.command).toBe('liqs ETH 30m');
    expect((await say('/liqs btc 1.5h')).buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '90m*', '4h', '24h', '7d']);
    expect((await say('/liqs all 2 days')).buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '4h', '24h', '2d*', '7d']);
    // A configured window's buttons stay as they were.
    expect((await say('/liqs eth 4h')).buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '4h*', '24h', '7d']);
    // A configured window beyond the four buttons (12h) is added and marked, as /oi does.
    expect((await say('/liqs eth 12h')).buttons?.map((b) => `${b.label}${b.active ? '*' : ''}`)).toEqual(['1h', '4h', '12h*', '24h', '7d']);
    expect(await text('/liqs 90 min eth')).toContain('ETH liquidations · 90m');
    expect(await text('/liqs eth last 3h')).toContain('ETH liquidations · 3h');
    expect(await text('/liqs all 2 days')).toContain('Market liquidations · 2d');
    expect(await text('/oi eth 2h')).toContain('ETH open interest · 2h');
  });
  it('a wrong asset or window gets a short correction, shown only to the asker', async () => {
    const r = await say('/liqs etj');
    expect(r).toMatchObject({ tone: 'error', ephemeral: true });
    expect(replyText(r)).toContain('Did you mean ETH?');
    expect(await text('/liqs eth 3x')).toBe('Unknown window "3x". Use one of 1h, 4h, 12h, 24h, 7d, or any from 5m to 7d like 30m, 2h or 3d.');
    // Two assets, as `/liqs eth,btc` says, not a window named "btc".
    expect(await text('/liqs eth btc')).toBe('One asset at a time: ETH or BTC.');
    expect(await text('/liqs eth 30d')).toContain('A window goes from 5m to 7d; got "30d".');
  });
});

describe('/level digest', () => {
  it("reads the levels the chat sees, the deployment's included, but not the bot's cascade lows nor another chat's", async () => {
    await say('/level add eth 2600 "mine"', true, 'telegram:-7');
    await say('/level add eth 2450 "theirs"', true, 'telegram:-8');
    const r = await say('/level digest', true, 'telegram:-7');
    const t = replyText(r);
    // The bundled file's levels, lost that day, as their alerts told them and /levels eth shows them; the chat's own; no other chat's.
    expect(t).toContain('2 lost · 1 reclaimed');
    expect(t).toMatch(/ETH \$3,000 psychological pivot lost Jan 31 12:30 at \$2,969/);
    expect(t).toMatch(/ETH \$2,500 Dec range low lost Jan 31 15:45 at \$2,430, .* · then reclaimed Jan 31 20:15 at \$2,585$/m);
    expect(t).toContain('ETH $2,600 mine');
    expect(t).not.toContain('theirs');
    expect(t).not.toContain('cascade low');
    expect(t).toContain('No level was proposed this week: anyone can, with /level propose eth LOW-HIGH "why".');
    // Its chart is the chart service's (none here): test/charts/digest-service.test.ts.
    expect(r.image).toBeUndefined();
  });
});

describe('before the market has seen any event (feeds still connecting)', () => {
  it('the digest and a level story are dated by the caller\'s clock, never "NaN"', async () => {
    const config = loadConfig();
    const now = Date.parse('2026-12-02T10:00:00Z');
    const fresh = createServices({ config, market: new Market(config), store: createMemoryStore(), now: () => now });
    const at = (line: string) => runCommandLine(line, { chat: { key: 'telegram:-9', platform: 'telegram', kind: 'group' }, user: { id: 'u9' }, isAdmin: true, now, services: fresh });
    await at('/level add eth 2350');
    const digest = replyText(await at('/level digest'));
    expect(digest).toContain('Weekly levels digest · Nov 30 – Dec 2, the week so far');
    expect(digest).not.toMatch(/NaN|undefined/);
    expect(replyText(await at('/level info eth 2350'))).not.toMatch(/NaN|undefined/);
  });
});

describe('/status', () => {
  const config = loadConfig();
  const T = Date.parse('2026-12-02T10:00:00Z');
  const liq = (exchange: string, ts: number) => ({ type: 'liquidation' as const, ts, exchange, symbol: 'ETH/USDT:USDT', side: 'long' as const, price: 3000, amount: 1, usd: 3000 });
  const live = () => {
    const market = new Market(config);
    market.feeds.update({ exchange: 'okx', stream: 'liquidations', state: 'down', since: T + 5 * 60_000, sampled: true });
    market.feeds.update({ exchange: 'bybit', stream: 'liquidations', state: 'live', since: T, sampled: false });
    market.feeds.update({ exchange: 'gate', stream: 'liquidations', state: 'live', since: T, sampled: false, polledEveryMs: 10_000 });
    market.feeds.update({ exchange: 'binanceusdm', stream: 'liquidations', state: 'live', since: T, sampled: true });
    market.ingest(liq('bybit', T + 60_000));
    market.ingest(liq('binanceusdm', T + 9 * 60_000));
    market.ingest(liq('bybit', T + 7 * 60_000));
    // A late print (older than the last) does not move the venue's last print back.
    market.ingest(liq('bybit', T + 2 * 60_000));
    const services = createServices({ config, market, store: createMemoryStore(), now: () => T });
    const at = (line: string, admin = true) => runCommandLine(line, { chat: { key: 'telegram:-31', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: admin, now: T + 10 * 60_000, services });
    return { at, market };
  };
  it('says each venue live or not, complete, sampled or polled, and its last print; live venues first', async () => {
    const { at, market } = live();
    const t = replyText(await at('/status'));
    expect(t.split('\n').slice(0, 6)).toEqual([
      'Status',
      '',
      'Liquidation feeds',
      'Binance*: live since 10:00 · sampled · last print 10:09',
      'Bybit: live since 10:00 · every liquidation · last print 10:07',
      'Gate: live since 10:00 · polled every 10s · no print yet',
    ]);
    expect(t).toContain('OKX*: unreachable since 10:05 · sampled\n');
    expect(t).toContain('*sampled: at most one liquidation per symbol each second is published, so its sums are lower bounds.');
    // The last price known per asset (here the last print's fill), or none.
    expect(t).toContain('Tracked: BTC, ETH, SOL, XRP, DOGE, BNB\nLast prices: BTC none yet · ETH $3,000 at 10:09 · SOL none yet');
    expect(t).toContain('BNB none yet\nAlerts here: off');
    expect(t).not.toContain('No venue is live');
    await at('/alerts on');
    market.ingest({ type: 'price', ts: T + 9 * 60_000 + 30_000, exchange: 'bybit', symbol: 'ETH/USDT:USDT', price: 2987.5 });
    // An asset outside the tracked ones that a level is watched on (a file's SUI levels) has its price said too; another chat's is not.
    market.addLevel({ id: 'SUI@2.5', asset: 'SUI', level: 2.5, source: 'event', createdAt: T });
    market.addLevel({ id: 'telegram:-99:ADA@0.7', asset: 'ADA', level: 0.7, chat: 'telegram:-99', source: 'chat', createdAt: T });
    const after = replyText(await at('/status'));
    expect(after).toContain('Alerts here: on');
    expect(after).toContain('Last prices: BTC none yet · ETH $2,988 at 10:09 · SOL none yet · XRP none yet · DOGE none yet · BNB none yet · SUI none yet\n');
    // Words it does not take are said, escaped by the adapter like any echo.
    expect(replyText(await at('/status <b>now</b>'))).toContain('Ignored "<b>now</b>" (usage: /status).');
  });
  it('with every venue down, says replies come from stored data', async () => {
    const market = new Market(config);
    market.feeds.update({ exchange: 'bybit', stream: 'liquidations', state: 'down', since: T, sampled: false });
    market.feeds.update({ exchange: 'okx', stream: 'liquidations', state: 'connecting', since: T, sampled: true });
    const services = createServices({ config, market, store: createMemoryStore(), now: () => T });
    // The market has seen no event: the caller's moment dates the reply, never NaN.
    const t = replyText(await runCommandLine('/status', { chat: { key: 'telegram:-32', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T, services }));
    expect(t).toContain('OKX*: connecting since 10:00 · sampled\nBybit: unreachable since 10:00 · every liquidation');
    expect(t).toContain('No venue is live: replies answer from stored data and say so.');
    expect(t).toContain('2026-12-02 10:00 UTC');
    expect(t).not.toMatch(/NaN|undefined|Infinity/);
  });
  it('offline, says the data is a recorded file and names the venues its prints came from', async () => {
    const run = await runFile(await loadFile(BUNDLED), config);
    const services = createServices({ config, market: run.market, store: createMemoryStore(), now: () => run.market.clock });
    const t = replyText(await runCommandLine('/status', { chat: { key: 'telegram:-33', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T, services }));
    expect(t).toContain('None live: the data is a recorded file.');
    // Latest first, dated where the day is not the market's.
    expect(t).toContain('Bybit: last print Jan 31 23:59\nGate: last print Jan 31 23:59');
    expect(t).toContain('Lighter: last print Jan 31 23:57\n*sampled');
    expect(t).toContain('SYNTHETIC demo data');
    // A rehearsal still replaying, and a scaled-out gateway (no feed in its process, no recording): each said as it is.
    run.market.recordedSoFar = true;
    expect(replyText(await runCommandLine('/status', { chat: { key: 'telegram:-33', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T + 61_000, services }))).toContain(
      'None live: a rehearsal is replaying a recorded day.\nBybit: last print',
    );
    run.market.recorded = undefined;
    expect(replyText(await runCommandLine('/status', { chat: { key: 'telegram:-33', platform: 'telegram', kind: 'group' }, user: { id: 'u1' }, isAdmin: false, now: T + 122_000, services }))).toContain(
      'No feed has reported to this process yet (scaled out, each ingest process reports its venues every 30 s).\nBybit: last print',
    );
  });
});

describe('/help <command>', () => {
  it('lists each part of a command as it is typed, with what it does and which are for admins', async () => {
    const level = await text('/help level');
    expect(level).toContain('/level add eth 2350 Watch a price or a zone (admins)');
    expect(level).toContain('/level vote <id> <up|down> Vote on a proposal\n');
    expect(level).toContain('/level list eth This chat\'s levels\n');
    expect(await text('/help /alerts')).toContain('/alerts min $5M Smallest cascade (USD) worth a post (admins)');
    expect(await text('/help level add')).toBe(level);
    const liqs = await text('/help LIQS');
    expect(liqs).toContain('window: Time window, e.g. 4h, 30m or 2d (5m to 7d) (optional)');
    expect(liqs).toContain('Examples: /liqs eth · /liqs eth 4h · /liqs all 24h');
  });
  it('says what the words of a reply mean: every state /levels shows, the starred venues, the kinds of alert', async () => {
    const levels = await say('/help levels');
    const words = replyText(levels);
    for (const state of ['holding', 'testing', 'lost / broke up', 'reclaimed', 'failed breakout', 'chopping']) expect(words).toContain(`\n${state}: `);
    // The word in bold, as a reply reads it.
    expect(levels.blocks.at(-1)![1]![0]).toEqual(b('testing'));
    expect(await text('/help liqs')).toContain('A * marks a sampled stream');
    const alerts = await text('/help alerts');
    for (const kind of ['Cascade: ', 'Market-wide flush: ', 'Level: ']) expect(alerts).toContain(`\n${kind}`);
    // The overview stays a list of commands.
    expect(await text('/help')).not.toContain('chopping:');
  });
  it('an unknown command is named back with the list', async () => {
    const r = await say('/help <b>x</b>');
    expect(r.tone).toBe('error');
    expect(replyText(r)).toBe('No command "<b>x</b>".\nCommands: /liqs, /levels, /oi, /level, /alerts, /status, /help.');
  });
});

describe('/level and /levels', () => {
  it('admins add a zone with a quoted label; /levels shows it with role and distance', async () => {
    const add = await text('/level add eth 2,600-2.65k "my <b>zone</b>"');
    expect(add).toContain('Watching ETH $2,600–2,650 my <b>zone</b>');
    const lv = await text('/levels eth');
    expect(lv).toContain('$2,600–2,650 my <b>zone</b>');
    expect(lv).toContain('$3,000 psychological pivot · resistance (was support) · lost Jan 31 12:30');
    expect(lv).toContain('Reclaiming $3,000 would invalidate the breakdown');
    // Another chat does not see it.
    expect(await text('/levels eth', true, 'telegram:-200')).not.toContain('my <b>zone</b>');
  });
  it("a level every chat watches already (the deployment's) is not added or proposed again: each break would be posted twice", async () => {
    const said = 'ETH $2,750–2,800 prior support is already watched here, for every chat: its breaks are posted here when /alerts is on.';
    expect(await text('/level add eth 2750-2800 "ours"', true, 'telegram:-300')).toBe(said);
    expect(await text('/level propose eth 2800-2750 "the old floor"', false, 'telegram:-300')).toBe(said);
    expect(await text('/level list', true, 'telegram:-300')).not.toContain('2,750');
  });
  it('a second price where the label goes is refused with the zone it may have meant, and nothing is added', async () => {
    const before = await text('/level list eth');
    expect(await text('/level add eth 2350 2400')).toBe('"2400" after the level looks like a price, not a label.\nFor a zone write 2350-2400; a label goes in quotes: /level add eth 2350 "prior support".');
    expect(await text('/level add eth 2.35k - $2,400')).toContain('For a zone write 2350-2,400;');
    expect(await text('/level add eth 2350 to 2400')).toContain('For a zone write 2350-2400;');
    expect(await text('/level add eth 2350 "to 2400"')).toContain('Watching ETH $2,350 to 2400');
    await text('/level remove eth 2350');
    expect(await text('/level add eth 2300-2400 2.5k')).toContain('A label goes in quotes: /level add eth 2300-2400 "prior support".');
    // Not a zone (price would more than double across it): a price typed with a space, or no suggestion.
    expect(await text('/level add eth 2 600')).toBe('"600" after the level looks like a price, not a label.\n2 600 reads as one price: write 2600; a label goes in quotes: /level add eth 2600 "prior support".');
    expect(await text('/level add eth 2350 100')).toBe('"100" after the level looks like a price, not a label.\nA label goes in quotes: /level add eth 2350 "prior support".');
    // The same price twice is no zone (2350-2350 reads back as the one level): said as typed twice.
    const twice = '"2350" after the level looks like a price, not a label.\n2350 is typed twice: one level is one price, and a label goes in quotes: /level add eth 2350 "prior support".';
    expect(await text('/level add eth 2350 2350')).toBe(twice);
    expect(await text('/level add eth 2350 -2350')).toBe(twice);
    expect(await text('/level propose eth 2.35k 2350')).toContain('2350 is typed twice: one level is one price, and a reason goes in quotes');
    expect(await text('/level list eth')).toBe(before);
    expect(await text('/level propose eth 2350 2400')).toBe('"2400" after the level looks like a price, not a reason.\nFor a zone write 2350-2400; a reason goes in quotes: /level propose eth 2350 "the line from January".');
    expect(await text('/level add eth 2350 "2400 retest"')).toContain('Watching ETH $2,350 2400 retest');
    expect(await text('/level add eth 2350 ...')).toBe('Relabelled ETH $2,350 ....');
    await text('/level remove eth 2350');
  });
  it('a price in quotes or full-width digits is read as assets and windows are, and a refusal echoes it once', async () => {
    const chat = 'telegram:-310';
    expect(await text('/level add eth "2350"', true, chat)).toContain('Watching ETH $2,350.');
    expect(await text('/level add eth ２４００', true, chat)).toContain('Watching ETH $2,400.');
    expect(await text('/level remove eth “2,350”', true, chat)).toBe('Removed ETH $2,350.');
    expect(await text('/level add eth "abc"', true, chat)).toBe('"abc" is not a price. Try 2350, 2,350 or 2.35k.');
  });
  it('/levels alone answers for the one asset the chat watches levels on, and names them when there are several', async () => {
    expect(await text('/levels', true, 'telegram:-300')).toContain('ETH levels');
    await text('/level add btc 80000', true, 'telegram:-300');
    const which = await say('/levels', true, 'telegram:-300');
    expect(which.tone).toBe('error');
    expect(replyText(which)).toBe('Which asset? Levels are watched here for ETH, BTC.\nFor example: /levels eth');
    // `/levels all` (as `/liqs all`) is told that levels are read per asset, with the ones watched here.
    expect(await text('/levels ALL', true, 'telegram:-300')).toBe('Levels are read one asset at a time. Levels are watched here for ETH, BTC.\nFor example: /levels eth');
    expect(await text('/oi all')).toMatch(/^Open interest is read one asset at a time\.\nFor example: \/oi \w+$/);
    // Another chat sees only the levels every chat has.
    expect(await text('/levels', true, 'telegram:-301')).toContain('ETH levels');
    await text('/level remove btc 80000', true, 'telegram:-300');
  });
  it('non-admins are refused politely; anyone may list', async () => {
    const r = await say('/level add eth 2500', false);
    expect(replyText(r)).toBe('Only admins of this chat can change its levels and alerts.\nAnyone can use /liqs, /levels, /oi, /status, /level list, /alerts status and /help, and propose levels and vote on the group’s proposals (👍 / 👎).');
    expect(await text('/level list', false)).toContain('ETH $2,600–2,650');
  });
  it('a second price after the level to remove removes nothing and names the zone it may have meant', async () => {
    await text('/level add eth 2350');
    expect(await text('/level remove eth 2350 2400')).toBe('"2400" is more than /level remove takes: nothing changed.\nFor the zone write /level remove eth 2350-2400.');
    // Nothing but a price and a ticker-like word is repeated in the hint.
    expect(await text('/level remove https://x.io 2350 2400')).toBe('"2400" is more than /level remove takes: nothing changed.\nUsage: /level remove eth 2350.');
    expect(await text('/level list eth')).toContain('ETH $2,350');
    expect(await text('/level remove eth 2350')).toContain('Removed ETH $2,350');
  });
  it('removes what was added, and says so when there is nothing to remove', async () => {
    expect(await text('/level remove eth 2600-2650')).toContain('Removed ETH $2,600–2,650');
    expect(await text('/level remove eth 2600-2650')).toContain('has no ETH level at $2,600–2,650');
  });
  it.each([
    ['/level add eth 2,35k', 'ambiguous'],
    ['/level add eth abc', 'is not a price'],
    ['/level add eth 100-900', 'wider than price doubling'],
    [`/level add eth 2350 "${'x'.repeat(80)}"`, 'at most 60 characters'],
    ['/level add', 'Which asset?'],
    ['/level fly eth', 'Unknown option "fly"'],
  ])('%s gets a specific correction', async (line, message) => {
    expect(await text(line)).toContain(message);
  });
  it('a level typed with a sign or an exponent is refused, never read without it', async () => {
    expect(await text('/level add eth -5')).toBe('A price must be above zero; got "-5".');
    expect(await text('/level add eth -2600')).toBe('A price must be above zero; got "-2600".');
    expect(await text('/level add eth 1e-25')).toBe('"1e-25": write the price in digits, like 2350 or 0.000012 (no exponents).');
    expect(await text('/level list', true, 'telegram:-100')).not.toMatch(/\$5\b|\$2,600\b(?!–)/);
  });
  it('a level outside ×0.1–×10 of the last price is refused, naming the range', async () => {
    expect(await text('/level add eth 1000000')).toBe(
      '$1,000,000 is too far from ETH\'s price ($2,644).\nA level must sit between $264.38 and $26,438 (×0.1 to ×10 of price).',
    );
    expect(await text('/level add eth 200-260')).toContain('is too far from ETH');
    expect(await text('/level add eth 26000')).toContain('Watching ETH $26,000');
    expect(await text('/level remove eth 26000')).toContain('Removed ETH $26,000');
  });
  it('adding a level twice says it is already watched, and re-adding without a label keeps the label', async () => {
    const chat = 'telegram:-400';
    expect(await text('/level add eth 2700-2740 "prior support"', true, chat)).toContain('Watching ETH $2,700–2,740 prior support');
    expect(await text('/level add eth 2700-2740', true, chat)).toBe('ETH $2,700–2,740 prior support is already watched in this chat.');
    expect(await text('/level add eth 2740-2700 "prior support"', true, chat)).toBe('ETH $2,700–2,740 prior support is already watched in this chat.');
    expect(await text('/level list', true, chat)).toBe('Levels in this chat\n\nETH $2,700–2,740 prior support\n\nAlso watched here for everyone: ETH (/levels eth)');
    expect(await text('/level add eth 2700-2740 "old range high"', true, chat)).toBe('Relabelled ETH $2,700–2,740 old range high.');
    expect(await text('/level list', true, chat)).toBe('Levels in this chat\n\nETH $2,700–2,740 old range high\n\nAlso watched here for everyone: ETH (/levels eth)');
  });
  it.each([
    ['\u3164', 'U+3164 Hangul filler'],
    ['\u2800', 'U+2800 braille blank'],
    ['zero\u200bwidth', 'a zero-width space'],
    ['right\u202eleft', 'a bidi override'],
  ])('a label made of invisible characters (%#: %s) is refused', async (label, _what) => {
    expect(await text(`/level add eth 2350 "${label}"`)).toBe('A label cannot contain control or invisible characters.');
  });
  it('a label piled with combining marks is refused; accents and emoji are kept', async () => {
    expect(await text(`/level add eth 2350 "Z${'\u0335\u0321\u0322\u0327'.repeat(8)}algo"`)).toBe('A label cannot pile up accents or combining marks.');
    expect(await text('/level add eth 2351 "café ❤️ zone"')).toContain('Watching ETH $2,351 café ❤️ zone');
    expect(await text('/level remove eth 2351')).toContain('Removed');
  });
  it('a chat cannot keep more levels than the limit', async () => {
    const chat = 'telegram:-300';
    for (let i = 0; i < services.config.levels.maxPerChat; i++) await say(`/level add eth ${1000 + i}`, true, chat);
    expect(await text('/level add eth 5000', true, chat)).toContain('already has 50 levels');
  });
});

describe('/alerts', () => {
  it('admins turn alerts on and tune them; the settings persist in the store', async () => {
    // Following every asset, a flush of many coins is one message: the status says so.
    expect(await text('/alerts on')).toContain('Kinds: liquidation cascades and market-wide flushes, level breaks');
    expect(await text('/alerts assets eth, btc')).toContain('Assets: ETH, BTC');
    expect(await text('/alerts kinds cascade')).toContain('Kinds: liquidation cascades and the market-wide flushes they lead\n');
    expect(await text('/alerts min $5M')).toContain('Alerts are ON · cascades from $5M\n');
    expect(await text('/alerts min 5m')).toContain('Smallest cascade posted: $5M');
    expect(services.store.getSubscription('telegram:-100')).toMatchObject({ enabled: true, assets: ['ETH', 'BTC'], families: ['cascade'], minUsd: 5e6 });
    expect(await text('/alerts', false)).toContain('Alerts are ON');
    expect(await text('/alerts off', false)).toContain('Only admins');
  });
  it('the minimum is a dollar amount: written back as $5M, and a time is refused as one', async () => {
    expect(await text('/alerts min $500K')).toContain('Smallest cascade posted: $500K');
    expect(await text('/alerts min 5min')).toBe('/alerts min takes a dollar amount (the smallest cascade worth a post), not a time: for example $5M.');
    expect(await text('/alerts min lots')).toBe('"lots" is not a dollar amount. Try $5M, $500K or 0 for any size.');
    expect(await text('/alerts min 2,5M')).toBe('"2,5M" is ambiguous: write $2.5M (decimal point).');
    expect(await text('/alerts min $2,50k')).toBe('"$2,50k" is ambiguous: write $2.50K (decimal point).');
    expect(await text('/alerts min 0')).toContain('Smallest cascade posted: any');
    // The whole rest of the line is the amount: a space before the unit is still $5M, never $5.
    expect(await text('/alerts min $5 M')).toContain('Smallest cascade posted: $5M');
    expect(await text('/alerts min 5 mins')).toContain('not a time');
  });
  it('a minimum refused says why (too large, an exponent, below a dollar) and the range; $0.00 is any size', async () => {
    const range = 'A minimum goes from $1 to $1B, or 0 for any size.';
    expect(await text('/alerts min 2B')).toBe(`"2B" is more than $1B: no cascade would be posted. ${range}`);
    expect(await text('/alerts min $1.5B')).toBe(`"$1.5B" is more than $1B: no cascade would be posted. ${range}`);
    expect(await text('/alerts min 1e9')).toBe('"1e9": write the amount with K, M or B, like $5M or $1B (no exponents).');
    expect(await text('/alerts min $0.5')).toBe(`"$0.5" is less than a dollar. ${range}`);
    expect(await text('/alerts min $1B')).toContain('Smallest cascade posted: $1B');
    expect(await text('/alerts min $0.00')).toContain('· any size\n');
    expect(services.store.getSubscription('telegram:-100')).toMatchObject({ minUsd: 0 });
  });
  it('the weekly digest switched on while alerts are off says it waits for them', async () => {
    const chat = 'telegram:-55';
    expect(await text('/alerts digest on', true, chat)).toContain('Weekly digest: on, posted once alerts are on');
    expect(await text('/alerts on', true, chat)).toMatch(/Weekly digest: on$/m);
    expect(await text('/alerts digest off', true, chat)).toContain('Weekly digest: off');
  });
  it('a Discord channel is set by /alerts channel; elsewhere it explains', async () => {
    expect(await text('/alerts channel #x')).toContain('Alerts go to the chat where /alerts on is sent');
  });
});

describe('parsing and hostile input', () => {
  it('reads a command typed with invisible marks (an RTL keyboard, a paste) as it shows, and says nothing invisible back', async () => {
    expect(parseCommandLine('\u200F/li\u200Bqs \u200Feth 4h')).toMatchObject({ name: 'liqs', args: { values: { asset: 'eth', window: '4h' } } });
    expect(parseCommandLine('/alerts \u200Fkinds \u200Fcascade')?.args).toEqual({ sub: 'kinds', values: { kinds: 'cascade' } });
    // A label, the rest of the line, keeps what it was typed with (parseLabel refuses what shows nothing in it).
    expect(parseCommandLine('/level add eth 2350 👨\u200D👩\u200D👧 fam')?.args.values.label).toBe('👨\u200D👩\u200D👧 fam');
    expect(replyText(await say('\u200F/levels \u202Eeth'))).toContain('ETH levels');
    const unknown = replyText(await say('/levels \u202Eetj'));
    expect(unknown).toContain('Unknown asset "etj". Did you mean ETH?');
    expect(unknown).not.toMatch(/\p{Cf}/u);
  });
  it('recognises /cmd@bot and keeps the bot name for the adapter to check', () => {
    expect(parseCommandLine('/liqs@liqbot eth 4h')).toMatchObject({ name: 'liqs', botName: 'liqbot', args: { values: { asset: 'eth', window: '4h' } } });
  });
  it('every command has a description and usage for the menus and /help', async () => {
    for (const c of ALL_COMMANDS) {
      expect(c.description.length).toBeGreaterThan(3);
      expect(c.usage.length).toBeGreaterThan(0);
    }
    expect(await text('/help')).toContain('/liqs eth');
    expect(await text('/help')).toContain('More on one command: /help alerts');
  });
  it('words a command does not take are said, escaped, with its usage, not dropped in silence', async () => {
    expect(parseCommandLine('/levels eth 2,35k')).toMatchObject({ args: { values: { asset: 'eth' }, extra: ['2,35k'] } });
    expect(parseCommandLine('/level add eth 2350 prior support')?.args).toEqual({ sub: 'add', values: { asset: 'eth', level: '2350', label: 'prior support' } });
    const levels = replyText(await say('/levels eth 2,35k'));
    expect(levels).toContain('ETH levels');
    expect(levels).toContain('Ignored "2,35k" (usage: /levels eth).');
    expect(replyText(await say('/levels eth'))).not.toContain('Ignored');
    expect(replyText(await say('/alerts status btc'))).toContain('Ignored "btc" (usage: /alerts status).');
    expect(replyText(await say('/levels eth <b>x</b>'))).toContain('Ignored "<b>x</b>"');
    expect(replyText(await say('/start from-a-link'))).not.toContain('Ignored');
  });
  it('a change typed with words it does not take changes nothing and says what they may have meant', async () => {
    await say('/alerts on');
    const off = await say('/alerts off eth');
    expect(off.tone).toBe('error');
    expect(replyText(off)).toBe('"eth" is more than /alerts off takes: nothing changed.\nTo stop one asset\'s alerts, list the ones to keep: /alerts assets btc,sol. /alerts off stops them all.');
    expect(replyText(await say('/alerts'))).toContain('Alerts are ON');
    const before = replyText(await say('/alerts'));
    expect(replyText(await say('/alerts kinds level now'))).toBe('"now" is more than /alerts kinds takes: nothing changed.\nUsage: /alerts kinds cascade.');
    expect(replyText(await say('/alerts'))).toBe(before);
    // A member still hears that changes are for admins, before anything about the words.
    expect(replyText(await say('/alerts off eth', false))).toContain('Only admins');
  });
  it('a word of nothing but NULs is no word: /liqs answers as typed alone', async () => {
    expect(replyText(await say('/liqs ' + '\u0000'.repeat(10)))).toBe(replyText(await say('/liqs')));
  });
  it.each(['/' + 'a'.repeat(600), '/liqs ' + '\u0007x'.repeat(10), '/nope', '/levels 1e309', '/liqs <script>alert(1)</script>', 'hello'])(
    '%j gets an answer, never a crash',
    async (line) => {
      const r = await say(line.slice(0, 700));
      expect(r.tone).toBe('error');
      expect(replyText(r).length).toBeLessThan(300);
    },
  );
});

describe('links and mentions are never echoed', () => {
  it.each(['t.me/+AbCdEf', 'https://evil.example/x', 'discord.gg/free-nitro', '@scam_channel'])('/liqs %s answers without repeating it', async (raw) => {
    const t = await text(`/liqs ${raw}`);
    expect(t).toMatch(/^Unknown asset \(a (link|mention), not repeated\)\. Tracked: /);
    expect(t).not.toContain(raw);
  });
});

describe('numbers that agree', () => {
  it('/liqs and /levels show one price at one moment', async () => {
    expect(await text('/liqs eth')).toContain('Price $3,075 → $2,644 (−14%)');
    expect(await text('/levels eth')).toContain('ETH levels · $2,644\n\nPrice $2,644 (−14% 24h)');
  });
  it('the cascade low reads the same on its level row and in the reading beneath', async () => {
    const t = await text('/levels eth');
    expect(t).toContain('$2,357 cascade low · support · holding');
    expect(t).toContain('stabilized above the cascade low $2,357, which held');
  });
  it('amounts have three significant digits everywhere in a reply: $475M beside $302M', async () => {
    const t = await text('/liqs all');
    expect(t).toContain('Bybit $475M · 28%\nOKX* $302M · 18%\nHTX $230M · 14%');
    expect(t).toContain('$1.7B liquidated in 24h: BTC $842M, ETH $617M, SOL $127M, XRP $71M, …');
  });
  it('the price column under "By asset" says what it is', async () => {
    expect(await text('/liqs all')).toContain('\nSOL $127M · 8%  L $118M / S $9M  price −12%\n');
  });
  it('/liqs all counts a venue only a vendor covers from its hourly totals, and says so', async () => {
    const t = await text('/liqs all');
    expect(t).toContain('\nBTC $842M · 50%  L $768M / S $74.4M · $140M from hourly totals  price −6.6%\n');
    expect(t).toContain('\nHyperliquid $155M · 9% (hourly totals)\nBitget $96.6M · 6% (hourly totals)\n');
    expect(t).toContain('hourly vendor totals only: Bitget, Hyperliquid');
  });
});

// The command budget (fair use) is specified in budget.test.ts.
