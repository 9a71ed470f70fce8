/**
 * The Telegram pacer on a manual clock: tokens come back one window after Telegram *answered* (so a slow server
 * or a slow machine can never squeeze two windows together), a chat's own order (the rest of a reply, then alerts,
 * then members in turn), chats with someone waiting and alert fan-out in turn (a waiting answer first on a tie), holds after a 429, and a clean stop.
 * Every time below is fake time; nothing depends on the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { Pacer, TELEGRAM_LIMITS, type TelegramLimits } from '../../../src/adapters/telegram/pacer.js';
import { ManualClock, settle } from '../../alerts/clock.js';

const limits = (o: Partial<TelegramLimits> = {}): TelegramLimits => ({
  global: { messages: 30, windowMs: 1000 },
  chat: { messages: 1, windowMs: 1000 },
  group: { messages: 20, windowMs: 60_000 },
  marginMs: 0,
  ...o,
});

/** A send that Telegram answers `latencyMs` of fake time after it started; records when it started. */
function server(clock: ManualClock, latencyMs = 0) {
  const started: { name: string; at: number }[] = [];
  const send = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push({ name, at: clock.now() });
      if (latencyMs === 0) resolve(name);
      else clock.after(latencyMs, () => resolve(name));
    });
  return { started, send, names: () => started.map((s) => s.name) };
}

describe('tokens come back after the answer', () => {
  it('a slow server (800 ms per answer) gets 30 messages, then the next 30 only a full window after the answers', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock, 800);
    const done = Array.from({ length: 90 }, (_, i) => pacer.run(1000 + i, 'alert', tg.send(`m${i}`)));
    await clock.advance(10_000);
    await Promise.all(done);
    const at = tg.started.map((s) => s.at);
    expect(at.filter((t) => t === 0)).toHaveLength(30);
    expect(at.filter((t) => t === 1800)).toHaveLength(30);
    expect(at.filter((t) => t === 3600)).toHaveLength(30);
    // Telegram sees each request no later than it answers it: no 1-second window of arrivals holds more than 30.
    for (const t of at) expect(at.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(30);
    await pacer.stop();
  });

  it('counts the window from the answer, not from when the request left', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits({ global: { messages: 2, windowMs: 1000 }, marginMs: 50 }), clock);
    const tg = server(clock, 500);
    void pacer.run(1, 'alert', tg.send('a'));
    void pacer.run(2, 'alert', tg.send('b'));
    void pacer.run(3, 'alert', tg.send('c'));
    await clock.advance(1_400);
    expect(tg.names()).toEqual(['a', 'b']); // 1,000 ms after they left, but only 900 after the answers
    await clock.advance(150);
    expect(tg.started.at(-1)).toEqual({ name: 'c', at: 1_550 }); // answered at 500, + 1,000 window + 50 margin
    await pacer.stop();
  });

  it('a group gets at most its `messages` per group window, each chat one per chat window', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits({ chat: { messages: 1, windowMs: 40 }, group: { messages: 3, windowMs: 400 }, marginMs: 5 }), clock);
    const tg = server(clock);
    const sent = Array.from({ length: 4 }, (_, i) => pacer.run(-7, 'alert', tg.send(`g${i}`)));
    await clock.advance(1_000);
    await Promise.all(sent);
    expect(tg.started.map((s) => s.at)).toEqual([0, 45, 90, 405]);
    await pacer.stop();
  });
});

/**
 * Node's timers as they behave: counted in whole milliseconds of the loop's clock with the delay's fraction
 * dropped, so a timer can fire up to 2 ms before `performance.now()` says it is due (measured: 0.96 ms early for
 * whole-millisecond delays, 1.92 ms for fractional ones). The worst case, every time.
 */
class NodeTimers extends ManualClock {
  override after(ms: number, fn: () => void): () => void {
    return super.after(Math.max(0, Math.trunc(ms) - 0.999), fn);
  }
  /** An exact timer (the server's, not the pacer's). */
  exact(ms: number, fn: () => void): () => void {
    return super.after(ms, fn);
  }
}

/** The worst case for the limit: Telegram counts each request at the instant it answers, 1 µs after it left. */
async function atTelegramsLimit(marginMs: number) {
  const clock = new NodeTimers();
  const pacer = new Pacer({ ...TELEGRAM_LIMITS, marginMs }, clock);
  const started: number[] = [];
  const arrived: number[] = [];
  const send = () => () =>
    new Promise<void>((resolve) => {
      started.push(clock.now());
      clock.exact(0.001, () => {
        arrived.push(clock.now());
        resolve();
      });
    });
  const done = Array.from({ length: 90 }, (_, i) => pacer.run(2000 + i, 'alert', send()));
  await clock.advance(10_000);
  await Promise.all(done);
  await pacer.stop();
  const fullest = Math.max(...arrived.map((t) => arrived.filter((x) => x >= t && x < t + TELEGRAM_LIMITS.global.windowMs).length));
  return { started, arrived, fullest };
}

describe("the margin: enough for Node's timers, and no more", () => {
  it("with Telegram's limits, no second of arrivals holds more than 30, and the next 30 leave at most 5 ms after the window", async () => {
    const { started, arrived, fullest } = await atTelegramsLimit(TELEGRAM_LIMITS.marginMs);
    expect(fullest).toBe(30);
    const answered = Math.max(...arrived.slice(0, 30));
    expect(Math.min(...started.slice(30, 60))).toBeGreaterThanOrEqual(answered + 1_000);
    // Each millisecond of margin is 0.1% of the rate; the 20 ms before sent the next 30 at +1,019.
    expect(Math.max(...started.slice(30, 60))).toBeLessThanOrEqual(answered + 1_005);
  });

  it('without a margin, a timer firing early lets a 31st request into the second', async () => {
    expect((await atTelegramsLimit(0)).fullest).toBeGreaterThan(30);
  });
});

describe('who goes first', () => {
  it("in a chat: an alert before members' replies, and members in turn, so a spammer never queues ahead of the admin", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock);
    const all = [pacer.run(-5, 'reply', tg.send('spam1'), 'spammer')];
    for (let i = 2; i <= 5; i++) all.push(pacer.run(-5, 'reply', tg.send(`spam${i}`), 'spammer'));
    all.push(pacer.run(-5, 'reply', tg.send('admin'), 'admin'));
    all.push(pacer.run(-5, 'alert', tg.send('alert')));
    await clock.advance(10_000);
    await Promise.all(all);
    expect(tg.names()).toEqual(['spam1', 'alert', 'spam2', 'admin', 'spam3', 'spam4', 'spam5']);
    expect(tg.started.find((s) => s.name === 'admin')!.at).toBe(3000);
    await pacer.stop();
  });

  it('keeps the parts of one reply together: the next part goes before an alert that came meanwhile', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock, 100);
    const reply = pacer.run(8, 'reply', tg.send('part1'), 'u').then(() => pacer.run(8, 'continuation', tg.send('part2'), 'u'));
    const alert = pacer.run(8, 'alert', tg.send('alert'));
    await clock.advance(10_000);
    await Promise.all([reply, alert]);
    expect(tg.names()).toEqual(['part1', 'part2', 'alert']);
    await pacer.stop();
  });

  it('across chats: a chat where someone waits for an answer goes first on a tie with the alert fan-out', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits({ global: { messages: 1, windowMs: 1000 } }), clock);
    const tg = server(clock);
    const all = [1, 2, 3, 4].map((c) => pacer.run(c, 'alert', tg.send(`alert${c}`)));
    all.push(pacer.run(-9, 'reply', tg.send('reply'), 'admin'));
    await clock.advance(10_000);
    await Promise.all(all);
    expect(tg.names()).toEqual(['alert1', 'reply', 'alert2', 'alert3', 'alert4']);
    await pacer.stop();
  });
});

describe('holds and stopping', () => {
  it('holds a chat after a 429 without holding the others', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock);
    pacer.holdChat(1, 300);
    const held = pacer.run(1, 'alert', tg.send('held'));
    const other = pacer.run(2, 'alert', tg.send('other'));
    await clock.advance(1_000);
    await Promise.all([held, other]);
    expect(tg.started).toEqual([
      { name: 'other', at: 0 },
      { name: 'held', at: 300 },
    ]);
    await pacer.stop();
  });

  it('a hold ends when its timer fires, even on a clock whose timers fire a millisecond early (libuv vs performance.now)', async () => {
    // Node's timers count from the event loop's cached time, so a timer can run while performance.now() still
    // reads a little short of its deadline. A chat held by a 429 must not stay held forever because of that.
    class EarlyClock extends ManualClock {
      override after(ms: number, fn: () => void): () => void {
        return super.after(Math.max(0, ms - 1), fn);
      }
    }
    const clock = new EarlyClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock);
    pacer.holdChat(1, 300);
    void pacer.run(1, 'alert', tg.send('held'));
    await clock.advance(1_000);
    expect(tg.started).toEqual([{ name: 'held', at: 299 }]);
    await pacer.stop();
  });

  it('stop() rejects what still waits and refuses new sends; what was answered stays answered', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(limits(), clock);
    const tg = server(clock);
    expect(await pacer.run(3, 'alert', tg.send('first'))).toBe('first');
    const waiting = pacer.run(3, 'alert', tg.send('second')).catch((e: unknown) => e);
    await settle();
    expect(pacer.queued()).toBe(1);
    await pacer.stop();
    expect(String(await waiting)).toMatch(/stopped/);
    await expect(pacer.run(3, 'alert', tg.send('third'))).rejects.toThrow(/stopped/);
    expect(tg.names()).toEqual(['first']);
    expect(clock.pending).toBe(0);
  });
});
