/**
 * The bot's health as a small registry of named components (`chat:telegram`, `feed:bybit`, `store`), each
 * ok, degraded or failing with a reason. `/healthz` reports the worst of them; any part of the bot can report
 * its own state here without knowing about HTTP.
 *
 *   health.set('store', 'failing', 'disk full: writes kept in memory');
 *   health.set('store', 'ok');
 *   health.probe('outbox', () => (pending > 10_000 ? { state: 'degraded', reason: 'backlog' } : { state: 'ok' }));
 */

export type HealthState = 'ok' | 'degraded' | 'failing';

export interface ComponentHealth {
  state: HealthState;
  /** What is wrong (absent when ok). */
  reason?: string;
  /** When the component entered this state (ms). */
  since: number;
}

/**
 * What a probe finds when health is read. `since`: when the component entered `state`, where the check knows it (a
 * connection's own record of when it was lost or came back); without it, the first read that saw the state, which
 * may be long after the change.
 */
export interface ProbeResult {
  state: HealthState;
  reason?: string;
  since?: number;
}

export interface HealthReport {
  status: HealthState;
  components: Record<string, ComponentHealth>;
}

const RANK: Record<HealthState, number> = { ok: 0, degraded: 1, failing: 2 };

export class Health {
  private readonly components = new Map<string, ComponentHealth>();
  private readonly probes = new Map<string, () => ProbeResult>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Report a component's state; `since` moves only when the state changes, to now unless the change's time is given. */
  set(name: string, state: HealthState, reason?: string, since?: number): void {
    const prev = this.components.get(name);
    const next: ComponentHealth = { state, since: since ?? (prev && prev.state === state ? prev.since : this.now()) };
    if (reason !== undefined && state !== 'ok') next.reason = reason;
    this.components.set(name, next);
  }

  /** A component whose state is computed when health is read (cheap checks only). */
  probe(name: string, check: () => ProbeResult): void {
    this.probes.set(name, check);
  }

  remove(name: string): void {
    this.components.delete(name);
    this.probes.delete(name);
  }

  get(name: string): ComponentHealth | undefined {
    return this.report().components[name];
  }

  report(): HealthReport {
    for (const [name, check] of this.probes) {
      let r: ProbeResult;
      try {
        r = check();
      } catch (err) {
        r = { state: 'failing', reason: `health check threw: ${(err as Error).message}` };
      }
      this.set(name, r.state, r.reason, r.since);
    }
    const components: Record<string, ComponentHealth> = {};
    let status: HealthState = 'ok';
    for (const name of [...this.components.keys()].sort()) {
      const c = this.components.get(name)!;
      components[name] = { ...c };
      if (RANK[c.state] > RANK[status]) status = c.state;
    }
    return { status, components };
  }
}
