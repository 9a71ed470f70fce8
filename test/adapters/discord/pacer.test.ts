/**
 * The Discord pacer on a manual clock: at most `perSecond` alert requests out of any second, each token coming
 * back a second (plus the margin) after Discord answered, first come first served, a shard's fractional share,
 * and a clean stop. Every time below is fake time.
 */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/adapters/discord/pacer.js';
import { ManualClock } from '../../alerts/clock.js';

function discord(clock: ManualClock, latencyMs: number) {
  const started: { name: string; at: number }[] = [];
  const send = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push({ name, at: clock.now() });
      clock.after(latencyMs, () => resolve(name));
    });
  return { started, send };
}

describe('Discord pacer', () => {
  it('lets 40 requests out, then the next 40 one second after their answers (a slow Discord: 700 ms each)', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(40, clock);
    const api = discord(clock, 700);
    const all = Array.from({ length: 100 }, (_, i) => pacer.run(api.send(`r${i}`)));
    await clock.advance(10_000);
    await Promise.all(all);
    const at = api.started.map((s) => s.at);
    expect([0, 1_750, 3_500].map((t) => at.filter((x) => x === t).length)).toEqual([40, 40, 20]);
    expect(api.started.map((s) => s.name)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    expect(pacer.sent).toBe(100);
    pacer.stop();
  });

  it('takes a shard share of 2.5 per second as 5 requests per 2 seconds', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(40, clock);
    pacer.setRate(2.5);
    const api = discord(clock, 0);
    const all = Array.from({ length: 7 }, (_, i) => pacer.run(api.send(`r${i}`)));
    await clock.advance(5_000);
    await Promise.all(all);
    expect(api.started.map((s) => s.at)).toEqual([0, 0, 0, 0, 0, 2_050, 2_050]);
    pacer.stop();
  });

  it('stop() rejects what waits and refuses new requests', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(1, clock);
    const api = discord(clock, 0);
    await clock.advance(0);
    const first = pacer.run(api.send('first'));
    const waiting = pacer.run(api.send('second')).catch((e: unknown) => e);
    await clock.advance(10);
    expect(await first).toBe('first');
    expect(pacer.queued()).toBe(1);
    pacer.stop();
    expect(String(await waiting)).toMatch(/stopped/);
    await expect(pacer.run(api.send('third'))).rejects.toThrow(/stopped/);
    expect(clock.pending).toBe(0);
  });
});
