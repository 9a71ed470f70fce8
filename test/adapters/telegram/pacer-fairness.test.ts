/**
 * The Telegram pacer's share between chats waiting for an answer and alert fan-out: the two classes take the global
 * budget in turn, so during a crash (the largest fan-out, and everyone typing /liqs) neither starves the other.
 * Telegram's real limits on a manual clock, each request answered 50 ms after it left; every time is fake time.
 */
import { describe, expect, it } from 'vitest';
import { Pacer, TELEGRAM_LIMITS, type TelegramLimits } from '../../../src/adapters/telegram/pacer.js';
import { ManualClock } from '../../alerts/clock.js';

/** The most starts in any `windowMs` (half-open) among sorted times. */
function fullest(at: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('alert fan-out and answers share the global budget', () => {
  it('a crash: 600 chats get their alert within 60 s while 90 busy groups keep asking, and a new command is answered within 7 s', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ ...TELEGRAM_LIMITS }, clock);
    const starts = new Map<string, number[]>(); // chat → when its messages left
    const alertsOut: number[] = [];
    const send = (chat: number, onStart?: (at: number) => void) => () =>
      new Promise<void>((resolve) => {
        const at = clock.now();
        starts.set(String(chat), [...(starts.get(String(chat)) ?? []), at]);
        onStart?.(at);
        clock.after(50, resolve);
      });
    const all: Promise<void>[] = [];
    // The alert fan-out: one alert to each of 600 groups, all at once.
    for (let c = 0; c < 600; c++) all.push(pacer.run(-2000 - c, 'alert', send(-2000 - c, (at) => alertsOut.push(at))));
    // 90 busy groups: 3 members with 10 commands each (within the 40 a minute a chat allows).
    const firstAnswer: number[] = [];
    for (let c = 0; c < 90; c++) {
      for (let m = 0; m < 3; m++) {
        for (let i = 0; i < 10; i++) all.push(pacer.run(-1000 - c, 'reply', send(-1000 - c, (at) => (firstAnswer[c] ??= at)), `m${m}`));
      }
    }
    // Someone in a quiet chat asks, every 5 s of the storm.
    const waits: number[] = [];
    for (let t = 5_000; t <= 45_000; t += 5_000) {
      clock.after(t, () => all.push(pacer.run(7000 + t, 'reply', send(7000 + t, (at) => waits.push(at - t)), 'asker')));
    }
    await clock.advance(60_000);

    expect(alertsOut).toHaveLength(600); // replies first, always: 30
    expect(Math.max(...alertsOut)).toBeLessThan(45_000); // about 40 s, the fan-out alone took 21 s
    expect(waits).toHaveLength(9);
    expect(Math.max(...waits)).toBeLessThanOrEqual(7_000); // 6.4 s (3.2 s with replies always first)
    expect(firstAnswer.filter((at) => at !== undefined)).toHaveLength(90);
    expect(Math.max(...firstAnswer)).toBeLessThanOrEqual(7_000);

    // Every limit still holds: Telegram answered 50 ms after each start, and a token came back a window after that.
    const every = [...starts.values()].flat().sort((a, b) => a - b);
    expect(fullest(every, TELEGRAM_LIMITS.global.windowMs)).toBeLessThanOrEqual(TELEGRAM_LIMITS.global.messages);
    for (const at of starts.values()) {
      expect(fullest(at, TELEGRAM_LIMITS.chat.windowMs)).toBe(1);
      expect(fullest(at, TELEGRAM_LIMITS.group.windowMs)).toBeLessThanOrEqual(TELEGRAM_LIMITS.group.messages);
    }
    const settled = Promise.allSettled(all); // what still waits is refused by stop()
    await pacer.stop();
    await settled;
  });

  it('while both wait, an answer and an alert go in turn; a class with nothing ready leaves its turn to the other', async () => {
    const clock = new ManualClock();
    const limits: TelegramLimits = { ...TELEGRAM_LIMITS, global: { messages: 1, windowMs: 1000 }, marginMs: 0 };
    const pacer = new Pacer(limits, clock);
    const sent: string[] = [];
    const send = (name: string) => () => (sent.push(name), Promise.resolve());
    const all = [1, 2, 3, 4].map((c) => pacer.run(c, 'alert', send(`alert${c}`)));
    for (const c of [11, 12]) all.push(pacer.run(-c, 'reply', send(`reply${c}`), 'admin'));
    await clock.advance(10_000);
    await Promise.all(all);
    // alert1 left before anyone asked; once the replies run out, the alerts take every slot.
    expect(sent).toEqual(['alert1', 'reply11', 'alert2', 'reply12', 'alert3', 'alert4']);
    await pacer.stop();
  });

  it('the rest of a reply already begun still goes before the alerts to its own chat', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ ...TELEGRAM_LIMITS, global: { messages: 1, windowMs: 1000 }, marginMs: 0 }, clock);
    const sent: string[] = [];
    const send = (name: string) => () => (sent.push(name), Promise.resolve());
    const reply = pacer.run(-8, 'reply', send('part1'), 'u').then(() => pacer.run(-8, 'continuation', send('part2')));
    const alerts = [pacer.run(-8, 'alert', send('alert-8')), ...[1, 2].map((c) => pacer.run(c, 'alert', send(`alert${c}`)))];
    await clock.advance(20_000);
    await Promise.all([reply, ...alerts]);
    // Chat -8 is interactive while part2 waits, and takes its turn with the fan-out; inside it, part2 before its alert.
    expect(sent).toEqual(['part1', 'alert1', 'part2', 'alert2', 'alert-8']);
    await pacer.stop();
  });
});
