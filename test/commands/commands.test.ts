/**
 * Commands defined once: what a chat gets back for what people type, who may change settings, and that a
 * hostile message always gets a clear answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_COMMANDS, parseCommandLine, runCommandLine } from '../../commands/index.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText, type Reply } from '../../src/core/reply.js';
import { runFile } from '../../src/offline.js';
import type { Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED } from '../helpers.js';

let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = { config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock };
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
    expect(t).toMatch(/Longs \$48\d(\.\d)?M/);
    // Binance's stream is sampled and Bybit's complete: its 8% is reported, not turned into a conclusion.
    expect(t).toContain('Binance 8%: a lower bound (sampled), no conclusion.');
    expect(t).not.toContain('the leverage sat elsewhere');
    expect(r.buttons?.map((b) => b.command)).toEqual(['liqs ETH 1h', 'liqs ETH 4h', 'liqs ETH 24h', 'liqs ETH 7d']);
    expect(r.buttons?.find((b) => b.active)?.label).toBe('24h');
  });
  it('takes the window in either order, and `all` or nothing for the market view', async () => {
    expect(await text('/liqs 4h eth')).toContain('ETH liquidations · 4h');
    expect(await text('/liqs')).toMatch(/Market liquidations · 24h[\s\S]*BTC \$\d/);
    expect(await text('/liqs all 1h')).toContain('Market liquidations · 1h');
  });
  it('a wrong asset or window gets a short correction, shown only to the asker', async () => {
    const r = await say('/liqs etj');
    expect(r).toMatchObject({ tone: 'error', ephemeral: true });
    expect(replyText(r)).toContain('Did you mean ETH?');
    expect(await text('/liqs eth 3h')).toContain('Use one of 1h, 4h, 12h, 24h, 7d');
  });
});

describe('/level and /levels', () => {
  it('admins add a zone with a quoted label; /levels shows it with role and distance', async () => {
    const add = await text('/level add eth 2,600-2.65k "my <b>zone</b>"');
    expect(add).toContain('Watching ETH $2,600–2,650 my <b>zone</b>');
    const lv = await text('/levels eth');
    expect(lv).toContain('$2,600–2,650 my <b>zone</b>');
    expect(lv).toContain('$3,000 psychological pivot · resistance (was support) · lost 12:30');
    expect(lv).toContain('Reclaiming $3,000 would invalidate the breakdown');
    // Another chat does not see it.
    expect(await text('/levels eth', true, 'telegram:-200')).not.toContain('my <b>zone</b>');
  });
  it('non-admins are refused politely; anyone may list', async () => {
    const r = await say('/level add eth 2500', false);
    expect(replyText(r)).toBe('Only admins of this chat can change its levels and alerts.\nAnyone can use /liqs, /levels and /level list.');
    expect(await text('/level list', false)).toContain('ETH $2,600–2,650');
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
  it('a chat cannot keep more levels than the limit', async () => {
    const chat = 'telegram:-300';
    for (let i = 0; i < services.config.levels.maxPerChat; i++) await say(`/level add eth ${1000 + i}`, true, chat);
    expect(await text('/level add eth 5000', true, chat)).toContain('already has 50 levels');
  });
});

describe('/alerts', () => {
  it('admins turn alerts on and tune them; the settings persist in the store', async () => {
    expect(await text('/alerts on')).toContain('Alerts are ON');
    expect(await text('/alerts assets eth, btc')).toContain('Assets: ETH, BTC');
    expect(await text('/alerts kinds cascade')).toContain('Kinds: liquidation cascades');
    expect(await text('/alerts min 5m')).toContain('Smallest cascade posted: $5M');
    expect(services.store.getSubscription('telegram:-100')).toMatchObject({ enabled: true, assets: ['ETH', 'BTC'], families: ['cascade'], minUsd: 5e6 });
    expect(await text('/alerts', false)).toContain('Alerts are ON');
    expect(await text('/alerts off', false)).toContain('Only admins');
  });
  it('a Discord channel is set by /alerts channel; elsewhere it explains', async () => {
    expect(await text('/alerts channel #x')).toContain('Alerts go to the chat where /alerts on is sent');
  });
});

describe('parsing and hostile input', () => {
  it('recognises /cmd@bot and keeps the bot name for the adapter to check', () => {
    expect(parseCommandLine('/liqs@liqbot eth 4h')).toMatchObject({ name: 'liqs', botName: 'liqbot', args: { values: { asset: 'eth', window: '4h' } } });
  });
  it('every command has a description and usage for the menus and /help', async () => {
    for (const c of ALL_COMMANDS) {
      expect(c.description.length).toBeGreaterThan(3);
      expect(c.usage.length).toBeGreaterThan(0);
    }
    expect(await text('/help')).toContain('/liqs eth');
  });
  it.each(['/' + 'a'.repeat(600), '/liqs ' + '\u0000'.repeat(10), '/nope', '/levels 1e309', '/liqs <script>alert(1)</script>', 'hello'])(
    '%j gets an answer, never a crash',
    async (line) => {
      const r = await say(line.slice(0, 700));
      expect(r.tone).toBe('error');
      expect(replyText(r).length).toBeLessThan(300);
    },
  );
});

describe('fair use', () => {
  it('one user flooding gets a friendly wait; another user in the same chat still gets answers until the chat budget', async () => {
    const svc: Services = { ...services, store: createMemoryStore() };
    const c = (user: string, chat = 'telegram:-900'): CommandContext => ({ chat: { key: chat, platform: 'telegram', kind: 'group' }, user: { id: user }, isAdmin: false, now: 1_000_000, services: svc });
    const results = [];
    for (let i = 0; i < 14; i++) results.push(replyText(await runCommandLine('/help', c('spammer'))));
    expect(results.slice(0, 12).every((t) => t.includes('Commands'))).toBe(true);
    expect(results[12]).toBe('Easy there: too many commands in the last minute. Try again in 60 s.');
    expect(replyText(await runCommandLine('/help', c('other')))).toContain('Commands');
    // A minute later the spammer is welcome again.
    expect(replyText(await runCommandLine('/help', { ...c('spammer'), now: 1_060_000 }))).toContain('Commands');
  });
});
