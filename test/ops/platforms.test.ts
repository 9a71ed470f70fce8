/**
 * The chat platforms' life cycle: a platform that cannot start is retried with backoff and shows as degraded
 * until it comes up; when none comes up within the bound, the bot gives up (so the process exits non-zero).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../config/load.js';
import type { ChatAdapter } from '../../src/adapters/contract.js';
import { Health } from '../../src/ops/health.js';
import { Platforms } from '../../src/ops/platforms.js';
import type { Platform } from '../../commands/types.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** A platform whose first `failures` starts fail the way a network outage does. */
function flaky(platform: Platform, failures: number) {
  const made: { started: boolean; stopped: boolean }[] = [];
  const factory = (): ChatAdapter => {
    const attempt = made.length;
    const state = { started: false, stopped: false };
    made.push(state);
    return {
      platform,
      async start() {
        if (attempt < failures) throw new Error('connect ECONNREFUSED 127.0.0.1:443');
        state.started = true;
      },
      async stop() {
        state.stopped = true;
      },
      async deliver() {
        return { ok: true, messageRef: '1' };
      },
    };
  };
  return { factory, made };
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('chat platforms', () => {
  it('retries a platform that fails at boot with growing waits, degraded meanwhile, and uses it once it comes back', async () => {
    const telegram = flaky('telegram', 2);
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const health = new Health(Date.now);
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: { telegram: telegram.factory }, adapters, health, log: quiet, giveUpMs: 60_000, onGiveUp: gaveUp, backoff: { baseMs: 2_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(telegram.made).toHaveLength(1);
    expect(adapters.telegram).toBeUndefined();
    expect(health.get('chat:telegram')).toMatchObject({ state: 'degraded', reason: 'could not start: connect ECONNREFUSED 127.0.0.1:443; retrying in 2 s' });
    // A failed adapter is stopped, and a fresh one is made for the next attempt.
    expect(telegram.made[0]).toEqual({ started: false, stopped: true });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(telegram.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(telegram.made).toHaveLength(2);
    expect(health.get('chat:telegram')?.reason).toBe('could not start: connect ECONNREFUSED 127.0.0.1:443; retrying in 4 s');
    await vi.advanceTimersByTimeAsync(4_000);
    expect(telegram.made).toHaveLength(3);
    expect(telegram.made[2]).toEqual({ started: true, stopped: false });
    expect(adapters.telegram).toBeDefined();
    expect(health.get('chat:telegram')).toEqual({ state: 'ok', since: 6_000 });
    expect(p.running()).toBe(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(gaveUp).not.toHaveBeenCalled();
    await p.stop();
    expect(telegram.made[2]).toEqual({ started: true, stopped: true });
  });

  it('gives up when no configured platform has started within the bound, naming each reason', async () => {
    const telegram = flaky('telegram', Infinity);
    const discord = flaky('discord', Infinity);
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: { telegram: telegram.factory, discord: discord.factory }, adapters: {}, health: new Health(), log: quiet, giveUpMs: 30_000, onGiveUp: gaveUp, backoff: { baseMs: 1_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(gaveUp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(gaveUp).toHaveBeenCalledWith('no chat platform could start within 30 s (telegram: connect ECONNREFUSED 127.0.0.1:443; discord: connect ECONNREFUSED 127.0.0.1:443)');
    await p.stop();
    const attempts = telegram.made.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(telegram.made.length).toBe(attempts);
  });

  it('does not give up while one platform runs, though the other never starts', async () => {
    const telegram = flaky('telegram', Infinity);
    const discord = flaky('discord', 0);
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const gaveUp = vi.fn();
    const health = new Health();
    const p = new Platforms({ factories: { telegram: telegram.factory, discord: discord.factory }, adapters, health, log: quiet, giveUpMs: 30_000, onGiveUp: gaveUp });
    p.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gaveUp).not.toHaveBeenCalled();
    expect(Object.keys(adapters)).toEqual(['discord']);
    expect(health.report().status).toBe('degraded');
    await p.stop();
  });

  it('with nothing to start, never gives up (the terminal serves)', async () => {
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: {}, adapters: {}, health: new Health(), log: quiet, giveUpMs: 1_000, onGiveUp: gaveUp });
    p.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gaveUp).not.toHaveBeenCalled();
    await p.stop();
  });
});

describe('a start that hangs', () => {
  it('counts as failed after startTimeoutMs, is stopped, and the next attempt can succeed', async () => {
    const made: { stopped: boolean }[] = [];
    const factory = (): ChatAdapter => {
      const attempt = made.length;
      const state = { stopped: false };
      made.push(state);
      return {
        platform: 'discord',
        start: () => (attempt === 0 ? new Promise<void>(() => {}) : Promise.resolve()),
        async stop() {
          state.stopped = true;
        },
        async deliver() {
          return { ok: true, messageRef: '1' };
        },
      };
    };
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const health = new Health();
    const p = new Platforms({ factories: { discord: factory }, adapters, health, log: quiet, giveUpMs: 600_000, onGiveUp: () => {}, startTimeoutMs: 30_000, backoff: { baseMs: 1_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(made).toHaveLength(1);
    expect(health.get('chat:discord')?.reason).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    expect(made[0]).toEqual({ stopped: true });
    expect(health.get('chat:discord')?.reason).toBe('could not start: no answer within 30 s; retrying in 1 s');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made).toHaveLength(2);
    expect(adapters.discord).toBeDefined();
    await p.stop();
  });

  /** A platform whose every start hangs (an API that accepts the connection and never answers). */
  function hanging(platform: Platform) {
    const made: { stopped: boolean }[] = [];
    const factory = (): ChatAdapter => {
      const state = { stopped: false };
      made.push(state);
      return {
        platform,
        start: () => new Promise<void>(() => {}),
        async stop() {
          state.stopped = true;
        },
        async deliver() {
          return { ok: true, messageRef: '1' };
        },
      };
    };
    return { factory, made };
  }

  it('does not hold up a stop: stop() ends the pending start at once and stops its adapter', async () => {
    const telegram = hanging('telegram');
    const p = new Platforms({ factories: { telegram: telegram.factory }, adapters: {}, health: new Health(), log: quiet, giveUpMs: 300_000, onGiveUp: () => {} });
    p.start();
    await vi.advanceTimersByTimeAsync(5_000);
    let stopped = false;
    void p.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    expect(telegram.made).toEqual([{ stopped: true }]);
  });

  it('gives up while a start still hangs, and the stop that follows ends it at once', async () => {
    const telegram = hanging('telegram');
    const gaveUp = vi.fn();
    const p = new Platforms({ factories: { telegram: telegram.factory }, adapters: {}, health: new Health(), log: quiet, giveUpMs: 30_000, onGiveUp: gaveUp });
    p.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(gaveUp).toHaveBeenCalledWith('no chat platform could start within 30 s (telegram: still starting)');
    let stopped = false;
    void p.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    expect(telegram.made).toEqual([{ stopped: true }]);
  });
});

describe('an adapter that cannot be made', () => {
  /** discord.js' refusal of a setting, thrown when its client is made (DISCORD_SHARDS=0 before src/env.ts refused it). */
  const refusing = (): ChatAdapter => {
    throw new TypeError('The shardCount option must be a number greater than or equal to 1');
  };

  it('fails the start in one line naming the platform (a ConfigError: exit 78), with the adapters already made stopped', async () => {
    const telegram = flaky('telegram', 0);
    const gaveUp = vi.fn();
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const p = new Platforms({ factories: { telegram: telegram.factory, discord: refusing }, adapters, health: new Health(), log: quiet, giveUpMs: 30_000, onGiveUp: gaveUp });
    let thrown: unknown;
    try {
      p.start();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe('discord could not start: its adapter could not be made from the settings: The shardCount option must be a number greater than or equal to 1');
    // Nothing runs on: the adapter made for telegram is stopped unstarted, nothing is retried and nobody gives up.
    await p.stop();
    expect(telegram.made).toEqual([{ started: false, stopped: true }]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(telegram.made).toHaveLength(1);
    expect(adapters).toEqual({});
    expect(gaveUp).not.toHaveBeenCalled();
  });

  it("a retry's adapter that cannot be made counts as that attempt failing, and is retried", async () => {
    const good = flaky('discord', 1);
    let calls = 0;
    // Made for the first attempt, not for the second, then again.
    const factory = (): ChatAdapter => (++calls === 2 ? refusing() : good.factory());
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    const health = new Health();
    const p = new Platforms({ factories: { discord: factory }, adapters, health, log: quiet, giveUpMs: 600_000, onGiveUp: () => {}, backoff: { baseMs: 1_000, random: () => 1 } });
    p.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    expect(health.get('chat:discord')?.reason).toBe('could not start: The shardCount option must be a number greater than or equal to 1; retrying in 2 s');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(3);
    expect(adapters.discord).toBeDefined();
    await p.stop();
  });
});
