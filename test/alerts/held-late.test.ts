/**
 * An alert the store refused to queue is stamped when it was published, not when the store took it: after an hour of
 * a full disk the chat is told how late it is, or it is dropped past its kind's use, never posted as fresh.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatAdapter, DeliveryResult, DeliveryTarget } from '../../src/adapters/contract.js';
import type { Alert } from '../../src/core/alerts.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import type { Store } from '../../src/store/store.js';
import { faultyStore } from '../store/faulty.js';
import { outboxStand, sub, T0 } from './outbox-stand.js';

class FakeChat implements ChatAdapter {
  readonly platform = 'telegram' as const;
  texts: string[] = [];
  async start() {}
  async stop() {}
  async deliver(_to: DeliveryTarget, reply: Reply): Promise<DeliveryResult> {
    this.texts.push(replyText(reply));
    return { ok: true, messageRef: `m${this.texts.length}` };
  }
}

function levelBreak(ts: number): Alert {
  return { kind: 'level_break', key: `l:3000:${ts}`, ts, asset: 'ETH', levelId: 'ETH@3000', level: 3000, direction: 'down', reclaim: false, price: 2970, timeframe: '15m' };
}

let store: Store;
let chat: FakeChat;
let now: number;
outboxStand(() => new FakeChat(), (s) => ({ store, chat, now } = s));
beforeEach(() => store.putSubscription(sub('telegram:1')));

describe('an alert held while the store refuses it', () => {
  it('is posted with how late it is once the store takes it, 50 minutes on, also when the store could not even be read to route it', async () => {
    const { store: refusing, fail } = faultyStore(store);
    const ob = new Outbox({ store: refusing, adapters: { telegram: chat }, now: () => now });
    ob.start();
    fail.enqueue = 'SQLITE_IOERR';
    fail.listSubscriptions = 'SQLITE_IOERR';
    expect(ob.publish([levelBreak(T0)])).toBe(0);
    now += 50 * 60_000;
    delete fail.enqueue;
    delete fail.listSubscriptions;
    ob.retryHeld();
    await ob.idle();
    expect(chat.texts).toHaveLength(1);
    expect(chat.texts[0]!.split('\n').some((l) => /^⏱ Posted 50 ?m(in)? late/.test(l))).toBe(true);
  });

  it('is posted as it is when the store takes it at once', async () => {
    const ob = new Outbox({ store, adapters: { telegram: chat }, now: () => now });
    ob.start();
    expect(ob.publish([levelBreak(T0)])).toBe(1);
    await ob.idle();
    expect(chat.texts).toHaveLength(1);
    expect(chat.texts[0]).not.toContain('Posted');
  });
});
