/**
 * The deliver role closes a running message as the embedded outbox does (src/alerts/outbox.ts): after a cascade's
 * end is posted, the chat's "· running" message is edited one last time into "· over" (an edit only, no "posted late"
 * line); a pending update of it is moot; a chat with no running message gets nothing more; a closing edit that fails
 * for good is dropped alone (nothing reported on the state stream, later alerts go on).
 * A Deliverer driven in-process over the real PostgreSQL store, with a scripted chat adapter and a fake state stream.
 * Skipped, saying why, without PostgreSQL.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import { route } from '../../src/alerts/router.js';
import type { Alert } from '../../src/core/alerts.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { NewEntry, Subscription } from '../../src/store/store.js';
import { dropRunSchemas, pgUnavailable } from '../services/postgres.js';
import { leasedDeliverer } from './deliverer-stand.js';

const unavailable = await pgUnavailable();
if (unavailable) console.warn(unavailable);

const CHAT = 'discord:900000000000000011';
const ALERTS = 'channel:900000000000000012';
const MIN = 60_000;

/** A chat adapter that keeps what each message reads (an edit replaces it), and fails what the test says. */
class Scripted implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly sends: { to: DeliveryTarget; text: string; editRef?: string }[] = [];
  readonly messages = new Map<string, string>();
  constructor(private readonly answer: (to: DeliveryTarget) => DeliveryResult | undefined = () => undefined) {}
  async start() {}
  async stop() {}
  async deliver(to: DeliveryTarget, reply: Reply, editRef?: string): Promise<DeliveryResult> {
    const text = replyText(reply);
    this.sends.push({ to, text, ...(editRef ? { editRef } : {}) });
    const failed = this.answer(to);
    if (failed) return failed;
    const ref = editRef ?? `${to.target}:${this.sends.length}`;
    this.messages.set(ref, text);
    return { ok: true, messageRef: ref };
  }
}

/** ETH's long cascade from 12:41 (an hour before now): its start, an update, its end at 13:21 with $434M. */
function cascade(kind: 'cascade' | 'cascade_update' | 'cascade_end', usd: number): Alert {
  const t0 = Date.parse('2026-01-31T12:41:00Z');
  const base = { ts: t0, asset: 'ETH', cascadeId: 'ETH-long-1', side: 'long' as const, startedAt: t0, usd, byExchange: { bybit: usd }, exchanges: ['bybit'], sampled: [] };
  if (kind === 'cascade') return { kind, key: 'cascade:ETH-long-1:start', ...base, windowUsd: usd, windowMs: 5 * MIN, thresholdUsd: 1e6 };
  if (kind === 'cascade_update') return { kind, key: `cascade:ETH-long-1:update:${usd}`, ...base, ts: t0 + 20 * MIN };
  return { kind, key: 'cascade:ETH-long-1:end', ...base, ts: t0 + 50 * MIN, endedAt: t0 + 40 * MIN, durationMs: 40 * MIN };
}

describe.skipIf(unavailable !== undefined)('deliver role: a running message closed at its end', () => {
  const closing: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await dropRunSchemas();
  });

  async function setUp(adapter: ChatAdapter) {
    const sub: Subscription = { chat: CHAT, target: ALERTS, enabled: true, assets: [], families: ['cascade', 'level'], minUsd: 0, updatedAt: 0 };
    const { store, deliverer, changes, settled } = await leasedDeliverer(adapter, sub, closing);
    const rows = async () => (await store.pool.query<{ alert_key: string; status: string; last_error: string | null }>('SELECT alert_key, status, last_error FROM outbox ORDER BY id')).rows;
    /** Entries as routed `agoMs` before now (a delivery that comes that late). */
    const routed = (alerts: Alert[], agoMs = 0): NewEntry[] => route(alerts, [sub], Date.now() - agoMs);
    return { store, sub, deliverer, changes, rows, settled, routed };
  }

  it('posts the end, then edits the running message into its closed form (no "posted late" line); a pending update is moot', async () => {
    const adapter = new Scripted();
    const { store, deliverer, changes, rows, settled, routed } = await setUp(adapter);
    await store.enqueue(routed([cascade('cascade', 5e6)]));
    deliverer.poke();
    await settled();
    // The last update and the end queue together, 40 minutes late.
    await store.enqueue(routed([cascade('cascade_update', 120e6), cascade('cascade_end', 434e6)], 40 * MIN));
    deliverer.poke();
    await settled();
    expect((await rows()).map((r) => [r.alert_key, r.status, r.last_error])).toEqual([
      ['cascade:ETH-long-1:start', 'sent', null],
      ['cascade:ETH-long-1:update:120000000', 'dropped', 'superseded by its closing edit'],
      ['cascade:ETH-long-1:end', 'sent', null],
      ['cascade:ETH-long-1:end:closed', 'sent', null],
    ]);
    const running = adapter.sends[0]!;
    expect(adapter.sends.map((s) => [s.editRef, s.to.editOnly])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [`${ALERTS}:1`, true],
    ]);
    expect(adapter.sends[1]!.text).toContain('⏱ Posted 40 min late');
    expect(adapter.messages.get(`${ALERTS}:1`)).toBe('🔻 ETH long cascade · over\n\n$434M of longs liquidated in 40 min (12:41–13:21)\nSee the summary below.\n\n2026-01-31 13:31 UTC');
    expect(running.text).toMatch(/^🔻 ETH long liquidation cascade/);
    expect(changes).toEqual([]);
    expect(deliverer.counters).toMatchObject({ sent: 2, edited: 1, superseded: 1, dropped: 0 });
  }, 30_000);

  it('drops the closing edit of a chat that never had the running message: nothing is edited or posted for it', async () => {
    const adapter = new Scripted();
    const { store, deliverer, rows, settled, routed } = await setUp(adapter);
    await store.enqueue(routed([cascade('cascade_end', 434e6)]));
    deliverer.poke();
    await settled();
    expect((await rows()).map((r) => [r.status, r.last_error])).toEqual([
      ['sent', null],
      ['dropped', 'no running message to close'],
    ]);
    expect(adapter.sends.map((s) => s.text.split('\n')[0])).toEqual(['ETH long cascade over']);
  }, 30_000);

  it('drops a closing edit whose message is gone, alone: nothing reported, later alerts go on', async () => {
    const gone: DeliveryResult = { ok: false, permanent: false, error: 'Discord deliver: 404 Unknown Message (code 10008): the message was deleted', kind: 'edit_target_gone' };
    const adapter = new Scripted((to) => (to.editOnly ? gone : undefined));
    const { store, deliverer, changes, rows, settled, routed } = await setUp(adapter);
    await store.enqueue(routed([cascade('cascade', 5e6)]));
    deliverer.poke();
    await settled();
    const later: Alert = { kind: 'level_break', key: 'level:ETH@3000:1', ts: Date.now(), asset: 'ETH', levelId: 'ETH@3000', level: 3000, direction: 'down', reclaim: false, price: 2970, timeframe: '15m' };
    await store.enqueue(routed([cascade('cascade_end', 434e6), later]));
    deliverer.poke();
    await settled();
    expect((await rows()).map((r) => [r.status, r.last_error])).toEqual([
      ['sent', null],
      ['sent', null],
      ['dropped', `not closed: ${gone.ok ? '' : gone.error}`],
      ['sent', null],
    ]);
    // Tried once, never posted anew; the chat is not reported gone.
    expect(adapter.sends.filter((s) => s.to.editOnly)).toHaveLength(1);
    expect(adapter.sends.at(-1)!.text).toContain('ETH lost $3,000');
    expect(changes).toEqual([]);
    expect(deliverer.counters).toMatchObject({ sent: 3, dropped: 1, unsubscribed: 0 });
  }, 30_000);
});
