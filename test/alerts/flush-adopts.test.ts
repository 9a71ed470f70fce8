/**
 * A market-wide flush takes over the latest cascade on its side whose start was posted within its window before it: on
 * Oct 22 2025 EVAA's short cascade was posted at 11:18:22 and the short flush EVAA led at 11:18:45. In a chat that has
 * its message and hears no more of it apart, the flush's start edits that message instead of a second post seconds
 * later, and the cascade's end is not posted there (the flush's end tells it). FF's, posted at 11:15:39 (within the
 * window, not the latest), and ETH's, posted at 11:12:19 (6 min before), are told through to their ends; the terminal,
 * which cannot edit, prints the flush as its own. A restart while the flush runs keeps the cascade taken over.
 */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { createTerminalAdapter } from '../../src/adapters/terminal/adapter.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { LiqBot } from '../../src/bot.js';
import type { Alert, CascadeStart, MarketFlush } from '../../src/core/alerts.js';
import type { MarketEvent } from '../../src/core/events.js';
import { newReport, readEventFile } from '../../src/io/event-file.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store, Subscription } from '../../src/store/store.js';
import { cli, tempDir } from '../helpers.js';

const FIXTURE = 'fixtures/binance-2025-10-22-forceorder.real.jsonl';
const config = loadConfig();
const at = (hms: string) => Date.parse(`2025-10-22T${hms}Z`);

const EVAA_CASCADE = 'EVAA-short-1761131610000';
const FF_CASCADE = 'FF-short-1761131440000';
const ETH_CASCADE = 'ETH-short-1761131390000';

/** What one chat saw: each post or edit, its text and first line, and the message it edited. */
interface Seen {
  chat: string;
  head: string;
  text: string;
  ref: string;
  edit?: string;
}

/** A platform that can edit (Telegram's shape): it records every post and edit, per chat. */
class EditingChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  readonly seen: Seen[] = [];
  private n = 0;
  constructor(private readonly prefix = 'm') {}
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
    const text = replyText(reply);
    const ref = editRef ?? `${this.prefix}${++this.n}`;
    this.seen.push({ chat: to.chat, head: text.split('\n')[0] ?? '', text, ref, ...(editRef ? { edit: editRef } : {}) });
    return { ok: true, messageRef: ref };
  }
  of(chat: string): Seen[] {
    return this.seen.filter((s) => s.chat === chat);
  }
}

const ALL = 'telegram:-1';
const EVAA = 'telegram:-2';
const FF_BTC = 'telegram:-3';

function subscribe(store: Store, chat: string, assets: string[] = []): void {
  const s: Subscription = { chat, enabled: true, assets, families: ['cascade'], minUsd: 0, updatedAt: 0 };
  store.putSubscription(s);
}

const events: MarketEvent[] = [];
beforeAll(async () => {
  for await (const e of readEventFile(FIXTURE, newReport())) events.push(e);
});

/** The day through the bot up to `until`, the clock at each event, every alert delivered as it is raised. */
async function play(bot: LiqBot, clock: { now: number }, until: number): Promise<Alert[]> {
  const raised: Alert[] = [];
  for (const e of events) {
    if (e.ts > until) break;
    clock.now = Math.max(clock.now, e.ts);
    raised.push(...bot.ingest(e), ...bot.tick());
    await bot.outbox.idle();
  }
  return raised;
}

const posts = (seen: Seen[]) => seen.filter((s) => s.edit === undefined);
const shortFlushStart = /^🔺 Market-wide short flush: \$721K of shorts liquidated in 5 min across 56 assets$/;

describe('the Oct 22 2025 short flush takes over the EVAA cascade posted 23 s before it', () => {
  const chat = new EditingChat();
  const terminalOut = new PassThrough();
  let printed = '';
  let raised: Alert[] = [];
  beforeAll(async () => {
    const clock = { now: 0 };
    const store = createMemoryStore();
    terminalOut.on('data', (d: Buffer) => (printed += d.toString()));
    const terminal = createTerminalAdapter({ services: {} as Services, output: terminalOut, color: false });
    const bot = new LiqBot({ config, store, now: () => clock.now, adapters: { telegram: chat, terminal }, outbox: { now: () => clock.now } });
    subscribe(store, ALL);
    subscribe(store, EVAA, ['EVAA']);
    subscribe(store, FF_BTC, ['FF', 'BTC']);
    subscribe(store, 'terminal:local');
    bot.outbox.start();
    raised = await play(bot, clock, Infinity);
    clock.now = at('12:00:00');
    raised.push(...bot.tick());
    bot.flush();
    await bot.outbox.idle();
    await bot.outbox.stop();
  }, 60_000);

  it('the flush start lists the latest cascade posted within its 5 min (EVAA 11:18:22), not FF 11:15:39 or ETH 11:12:19; its later alerts carry it', () => {
    const start = raised.find((a) => a.kind === 'market_flush' && a.side === 'short');
    expect(start && start.kind === 'market_flush' && { ts: start.ts, leaders: start.leadAssets, adopts: start.adopts }).toEqual({ ts: at('11:18:45.552'), leaders: ['EVAA', 'BTC', 'ETH'], adopts: [EVAA_CASCADE] });
    const ends = new Map(raised.filter((a) => a.kind === 'cascade_end').map((a) => [a.asset, a]));
    expect(ends.get('EVAA')).toMatchObject({ flushId: 'flush-short-1761131626110', ledFlush: true });
    expect(ends.get('FF')).not.toHaveProperty('flushId');
    expect(ends.get('ETH')).not.toHaveProperty('flushId');
  });

  it('a chat that follows every asset: the EVAA start, then the flush as an edit of that message; no EVAA end; the flush end closes it', () => {
    const seen = chat.of(ALL);
    const evaa = seen.find((s) => s.head === '🔺 EVAA short liquidation cascade')!;
    expect(evaa.edit).toBeUndefined();
    const flush = seen.filter((s) => shortFlushStart.test(s.head));
    expect(flush).toEqual([expect.objectContaining({ edit: evaa.ref })]);
    expect(seen.indexOf(flush[0]!)).toBe(seen.indexOf(evaa) + 1);
    expect(seen.filter((s) => s.head.startsWith('EVAA short cascade'))).toEqual([]);
    // FF's, posted at 11:15:39, is not the chat's last message: left as it was, told through to its end.
    const ff = seen.find((s) => s.head === '🔺 FF short liquidation cascade')!;
    expect(posts(seen).filter((s) => s.head === 'FF short cascade over')).toHaveLength(1);
    expect(seen.filter((s) => s.edit === ff.ref).map((s) => s.head)).toEqual(['🔺 FF short cascade · over']);
    expect(posts(seen).filter((s) => s.head === 'Market-wide short flush over')).toHaveLength(1);
    // The flush's running message and its closing edit are the EVAA message's.
    expect(seen.filter((s) => s.head.startsWith('🔺 Market-wide short flush ·')).map((s) => [s.head, s.edit])).toEqual([
      ['🔺 Market-wide short flush · running', evaa.ref],
      ['🔺 Market-wide short flush · over', evaa.ref],
    ]);
    // ETH's, posted 6 min before the flush, is told through to its end and closed.
    const eth = seen.find((s) => s.head === '🔺 ETH short liquidation cascade')!;
    expect(posts(seen).filter((s) => s.head === 'ETH short cascade over')).toHaveLength(1);
    expect(seen.filter((s) => s.edit === eth.ref).map((s) => s.head)).toEqual(['🔺 ETH short cascade · running', '🔺 ETH short cascade · over']);
  });

  it('a chat that follows EVAA alone (EVAA led the flush): the same edit, no EVAA end, the flush end', () => {
    const seen = chat.of(EVAA);
    expect(seen.map((s) => [s.head, s.edit === undefined ? 'post' : seen.indexOf(seen.find((x) => x.ref === s.edit)!)])).toEqual([
      ['🔺 EVAA short liquidation cascade', 'post'],
      [expect.stringMatching(shortFlushStart), 0],
      ['🔺 Market-wide short flush · running', 0],
      ['Market-wide short flush over', 'post'],
      ['🔺 Market-wide short flush · over', 0],
    ]);
  });

  it('a chat that follows FF (which did not lead) and BTC: FF told through to its end, the flush posted on its own', () => {
    const seen = chat.of(FF_BTC);
    const ff = seen.find((s) => s.head === '🔺 FF short liquidation cascade')!;
    expect(posts(seen).filter((s) => shortFlushStart.test(s.head))).toHaveLength(1);
    expect(seen.filter((s) => s.edit === ff.ref).map((s) => s.head)).toEqual(['🔺 FF short cascade · over']);
    const end = posts(seen).filter((s) => s.head === 'FF short cascade over');
    expect(end).toHaveLength(1);
    // Not taken over (it began before the flush and was not the latest): its end is its own.
    expect(end[0]!.text).not.toContain('Part of a market-wide short flush.');
  });

  it('the terminal, which cannot edit, prints the EVAA start and the flush start each as its own, and no EVAA end', () => {
    expect(printed).toContain('\n🔺 EVAA short liquidation cascade\n');
    expect(printed).toMatch(/\n🔺 Market-wide short flush: \$721K/);
    expect(printed).not.toContain('(update) 🔺 Market-wide short flush: ');
    expect(printed).not.toContain('EVAA short cascade over');
    expect(printed).toContain('ETH short cascade over');
  });
});

describe('a restart while the Oct 22 short flush runs', () => {
  it('the cascade it took over stays taken over: EVAA end unposted, ETH and FF ends posted, the flush end closes the EVAA message', async () => {
    const db = join(tempDir(), 'flush-adopts.db');
    const clock = { now: 0 };
    const first = new EditingChat('first-');
    {
      const store = openSqliteStore(db);
      const bot = new LiqBot({ config, store, now: () => clock.now, adapters: { telegram: first }, outbox: { now: () => clock.now } });
      subscribe(store, ALL);
      bot.outbox.start();
      await play(bot, clock, at('11:25:00'));
      clock.now = at('11:25:00');
      bot.tick();
      bot.flush();
      await bot.outbox.idle();
      await bot.outbox.stop();
      store.close();
    }
    const evaa = first.seen.find((s) => s.head === '🔺 EVAA short liquidation cascade')!;
    expect(first.seen.filter((s) => shortFlushStart.test(s.head))).toEqual([expect.objectContaining({ edit: evaa.ref })]);
    // Back at 11:40: the cascades' ends (11:27–11:33) and the flush's (11:35) fell due while it was down.
    const second = new EditingChat('second-');
    const store = openSqliteStore(db);
    const bot = new LiqBot({ config, store, now: () => at('11:40:00'), adapters: { telegram: second }, outbox: { now: () => at('11:40:00') } });
    bot.restore();
    bot.outbox.start();
    await bot.outbox.idle();
    await bot.outbox.stop();
    store.close();
    expect(second.seen.map((s) => [s.head, s.edit ?? 'post'])).toEqual([
      ['ETH short cascade over', 'post'],
      ['🔺 ETH short cascade · over', first.seen.find((s) => s.head === '🔺 ETH short liquidation cascade')!.ref],
      ['FF short cascade over', 'post'],
      ['🔺 FF short cascade · over', first.seen.find((s) => s.head === '🔺 FF short liquidation cascade')!.ref],
      ['Market-wide short flush over', 'post'],
      ['🔺 Market-wide short flush · over', evaa.ref],
    ]);
  }, 60_000);
});

describe('liqbot replay of the Oct 22 file', () => {
  it('prints every alert; --json lists the cascades the short flush took over, and their ends as not posted to a channel that follows all', async () => {
    const text = await cli('replay', FIXTURE);
    expect(text.err).toContain('14 alerts from 3454 events');
    expect(text.out.split('\n')).toHaveLength(14);
    expect(text.out).toMatch(/11:18 UTC {2}🔺 EVAA short liquidation cascade \| \$164K of EVAA shorts liquidated in 5 min/);
    expect(text.out).toMatch(/11:18 UTC {2}🔺 Market-wide short flush: \$721K of shorts liquidated in 5 min across 56 assets \| Led by EVAA \$181K \(25%\)/);
    expect(text.out).toMatch(/11:33 UTC {2}EVAA short cascade over \|.*\(carried by the market-wide flush: not posted\)$/m);
    const json = (await cli('replay', FIXTURE, '--json')).out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.filter((o) => o.kind === 'market_flush').map((o) => o.adopts)).toEqual([undefined, [EVAA_CASCADE]]);
    expect(json.filter((o) => o.kind === 'cascade_end').map((o) => [o.cascadeId, o.posted])).toEqual([
      [ETH_CASCADE, true],
      [FF_CASCADE, true],
      [EVAA_CASCADE, false],
    ]);
  }, 60_000);
});

describe('the outbox: which message a flush start that takes over cascades edits', () => {
  const T = Date.parse('2026-03-02T12:00:00Z');
  const start = (asset: string, ts: number): CascadeStart => ({
    kind: 'cascade', key: `cascade:${asset}-short-${ts}:start`, ts, asset, cascadeId: `${asset}-short-${ts}`, side: 'short', startedAt: ts - 60_000, usd: 2e5,
    byExchange: { binance: 2e5 }, exchanges: ['binance'], sampled: ['binance'], windowUsd: 2e5, windowMs: 300_000, thresholdUsd: 1.5e5,
  });
  const sol = start('SOL', T), xrp = start('XRP', T + 60_000);
  const flush: MarketFlush = {
    kind: 'market_flush', key: 'flush:flush-short-1', ts: T + 90_000, asset: 'ALL', flushId: 'flush-short-1', leadAssets: ['SOL', 'XRP', 'BTC'], side: 'short',
    startedAt: T - 60_000, usd: 8e5, assetCount: 40, leaders: [{ asset: 'SOL', usd: 2e5, share: 0.25 }, { asset: 'XRP', usd: 2e5, share: 0.25 }, { asset: 'BTC', usd: 1e5, share: 0.125 }],
    exchanges: ['binance'], sampled: ['binance'], windowMs: 300_000, adopts: [sol.cascadeId, xrp.cascadeId],
  };

  it("edits the latest one the chat has a message of (one the store has not recorded yet included), and posts where it has none", async () => {
    const store = createMemoryStore();
    const chat = new EditingChat();
    subscribe(store, 'telegram:sol', ['SOL', 'BTC']); // SOL's message, no XRP one: SOL's is edited
    subscribe(store, 'telegram:btc', ['BTC']); // neither: the flush posts
    subscribe(store, 'telegram:all'); // both, XRP's start sent but its record refused: XRP's is edited all the same
    const markSent = store.markSent.bind(store);
    const unrecorded = new Set<number>();
    store.markSent = (id, ref) => {
      if (ref === 'm3') unrecorded.add(id);
      if (unrecorded.has(id)) throw new Error('disk full');
      markSent(id, ref);
    };
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => T + 90_000 });
    ob.start();
    for (const a of [sol, xrp, flush]) {
      ob.publish([a]);
      await ob.idle();
    }
    await ob.stop();
    expect(chat.seen.map((s) => [s.chat, s.head.split(':')[0], s.ref, s.edit ?? 'post'])).toEqual([
      ['telegram:all', '🔺 SOL short liquidation cascade', 'm1', 'post'],
      ['telegram:sol', '🔺 SOL short liquidation cascade', 'm2', 'post'],
      ['telegram:all', '🔺 XRP short liquidation cascade', 'm3', 'post'],
      ['telegram:all', '🔺 Market-wide short flush', 'm3', 'm3'],
      ['telegram:btc', '🔺 Market-wide short flush', 'm4', 'post'],
      ['telegram:sol', '🔺 Market-wide short flush', 'm2', 'm2'],
    ]);
    // Recorded under the flush's key, where its updates and closing edit look.
    expect(store.sentMessageRef('telegram:sol', 'flush-short-1')).toBe('m2');
  });
});
