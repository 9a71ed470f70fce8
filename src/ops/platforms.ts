/**
 * Starts the configured chat platforms and keeps trying the ones that fail: each failed start is retried
 * with backoff and shows as degraded in the health registry. When no configured platform has come up within
 * `giveUpMs` of boot, `onGiveUp` is called, so the process can exit non-zero and a supervisor (systemd,
 * Docker) restarts it instead of leaving a bot that is up and dead. A platform that refuses the bot's token is
 * a mistake in the settings, not an outage: it is not retried, and `onGiveUp` is called at once with the refusal.
 */
import { ConfigError } from '../../config/load.js';
import type { ChatAdapter } from '../adapters/contract.js';
import { ChatApiError } from '../adapters/errors.js';
import { Backoff, pause, type BackoffOptions } from '../feeds/backoff.js';
import type { Logger } from '../log.js';
import type { Platform } from '../../commands/types.js';
import type { Health } from './health.js';

export interface PlatformsOptions {
  /** A fresh adapter per attempt (an adapter starts once). */
  factories: Partial<Record<Platform, () => ChatAdapter>>;
  /** The live map the outbox delivers through: a platform appears in it once it has started. */
  adapters: Partial<Record<Platform, ChatAdapter>>;
  health: Health;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** How long to wait for at least one platform before giving up. */
  giveUpMs: number;
  /**
   * No platform started within `giveUpMs`: `reason` names each one's last failure. Or one refused its settings
   * (`refusal`, a ConfigError naming the setting: a token the platform does not know), which no retry mends.
   */
  onGiveUp(reason: string, refusal?: ConfigError): void;
  backoff?: BackoffOptions;
  /** A start that has not finished after this long counts as failed and is retried (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Called once a platform's adapter is in `adapters` (its first start, or one after failed attempts): the outbox
   * delivers at once what waited for it, instead of after its longest backoff.
   */
  onStarted?(platform: Platform): void;
}

export class Platforms {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly failures = new Map<Platform, string>();
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: PlatformsOptions) {}

  /**
   * Begin starting every platform; returns at once (starts and retries run in the background). Each platform's first
   * adapter is made here: one that cannot be made from its settings (validated, so a setting no check caught, or a bug)
   * would fail the same way at every retry, and is thrown as a ConfigError naming the platform, the start's one line
   * (exit 78), with the adapters made so far stopped.
   */
  start(): void {
    const names = Object.keys(this.o.factories) as Platform[];
    if (names.length === 0) return;
    const first: ChatAdapter[] = [];
    for (const name of names) {
      try {
        first.push(this.o.factories[name]!());
      } catch (err) {
        this.o.log.debug({ platform: name, err }, `${name}: its adapter could not be made`);
        this.loops.push(...first.map((a) => a.stop().catch(() => undefined)));
        throw new ConfigError(`${name} could not start: its adapter could not be made from the settings: ${(err as Error).message}`, { cause: err });
      }
    }
    names.forEach((name, i) => this.loops.push(this.keepTrying(name, this.o.factories[name]!, first[i]!)));
    this.giveUpTimer = setTimeout(() => {
      if (this.running() > 0 || this.abort.signal.aborted) return;
      const why = names.map((n) => `${n}: ${this.failures.get(n) ?? 'still starting'}`).join('; ');
      this.o.onGiveUp(`no chat platform could start within ${Math.round(this.o.giveUpMs / 1000)} s (${why})`);
    }, this.o.giveUpMs);
  }

  running(): number {
    return Object.keys(this.o.adapters).length;
  }

  /** Stop retrying and stop every platform that started. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.giveUpTimer);
    await Promise.all(this.loops);
    await Promise.allSettled(Object.values(this.o.adapters).map((a) => a.stop()));
  }

  private async keepTrying(name: Platform, create: () => ChatAdapter, first: ChatAdapter): Promise<void> {
    const { health, log } = this.o;
    const signal = this.abort.signal;
    const backoff = new Backoff({ baseMs: 2_000, maxMs: 60_000, ...this.o.backoff });
    health.set(`chat:${name}`, 'degraded', 'starting');
    let next: ChatAdapter | undefined = first;
    while (!signal.aborted) {
      let adapter: ChatAdapter | undefined;
      try {
        // A retry's adapter failing to be made (its first was) fails that attempt: retried as a start that failed.
        adapter = next ?? create();
        next = undefined;
        await this.startWithin(adapter, this.o.startTimeoutMs ?? 60_000);
      } catch (err) {
        await adapter?.stop().catch(() => undefined);
        if (signal.aborted) return;
        const reason = (err as Error).message;
        const refusal = settingsRefused(name, err);
        if (refusal) {
          // Given up for good: the bound on the others' outage has nothing more to say.
          clearTimeout(this.giveUpTimer);
          health.set(`chat:${name}`, 'failing', `refused: ${reason}`);
          this.o.onGiveUp(refusal.message, refusal);
          return;
        }
        const delay = backoff.next();
        const first = !this.failures.has(name);
        this.failures.set(name, reason);
        health.set(`chat:${name}`, 'degraded', `could not start: ${reason}; retrying in ${Math.round(delay / 1000)} s`);
        if (first) log.warn({ platform: name, err, retryInMs: delay }, `${name} could not start; retrying in the background`);
        else log.debug({ platform: name, error: reason, retryInMs: delay }, `${name} still cannot start`);
        await pause(delay, signal);
        continue;
      }
      if (signal.aborted) {
        await adapter.stop().catch(() => undefined);
        return;
      }
      this.o.adapters[name] = adapter;
      health.set(`chat:${name}`, 'ok');
      log.info({ platform: name, attempts: backoff.failures + 1 }, `${name} started`);
      this.failures.delete(name);
      this.o.onStarted?.(name);
      return;
    }
  }

  /** A login that hangs (a gateway that never says ready) must not stop the retries, nor hold up a stop. */
  private async startWithin(adapter: ChatAdapter, ms: number): Promise<void> {
    const signal = this.abort.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const cut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
      onAbort = () => reject(new Error('stopped while starting'));
      signal.addEventListener('abort', onAbort);
    });
    try {
      await Promise.race([adapter.start(), cut]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
  }
}

/**
 * The refusal of a start the platform turned down for the bot's settings, not for an outage: a token it does not know
 * (Telegram's 401 or 404 to getMe, Discord's invalid token at login or close code 4004), as the adapters translate it
 * (a ChatApiError of kind `unauthorized`, naming the setting and never its value). Started again unchanged it is
 * refused again, so it is a ConfigError (`liqbot start` exits 78 and systemd does not restart it); undefined otherwise.
 */
export function settingsRefused(platform: string, err: unknown): ConfigError | undefined {
  if (!(err instanceof ChatApiError) || err.kind !== 'unauthorized') return undefined;
  return new ConfigError(`${platform} could not start: ${err.message}`, { cause: err });
}
