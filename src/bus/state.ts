/**
 * Changes of state (state/changes.ts: a level added or removed, a chat's alert settings) on the market stream,
 * so every process reading it (each core, each gateway's follower) applies them in one order, interleaved with
 * the market's batches. Subject `<prefix>._state.change` (no venue starts with `_`), payload the changes as JSON
 * lines, a `Nats-Msg-Id` unique per message (the writer's id, a counter and a random part): a publish retried
 * after a lost acknowledgement is stored once, two writers never collide. Decoding validates each line as a
 * feed line is validated: a line that is not a well-formed change (a hostile or broken payload) is counted
 * invalid and never applied.
 *
 * @example
 *   const writer = new StatePublisher(bus, { source: 'gateway-1' });
 *   services.apply = (change) => writer.apply(change);   // published in order, retried until stored
 *   await publishStateChanges(bus, [{ kind: 'level.remove', id: 'ETH@2350' }]); // one message, awaited
 */
import { randomUUID } from 'node:crypto';
// zod's mini build, as in config/schema.ts: the bundle keeps only what is used.
import * as z from 'zod/mini';
import { ASSET_RE } from '../core/events.js';
import type { Level } from '../core/levels.js';
import type { Proposal } from '../core/proposals.js';
import type { StateChange } from '../state/changes.js';
import type { Subscription } from '../store/store.js';
import { decodeLines, type EncodedBatch } from './batch.js';
import { BusPublisher } from './publisher.js';
import type { Bus } from './stream.js';

/** The subject's tokens after the prefix: `_state` stands where a venue would, `change` where the kind would. */
export const STATE_SUBJECT_TAIL = '_state.change';

export function stateSubject(prefix: string): string {
  return `${prefix}.${STATE_SUBJECT_TAIL}`;
}

export function isStateSubject(subject: string): boolean {
  return subject.endsWith(`.${STATE_SUBJECT_TAIL}`);
}

/** At most this many changes in one message (a chat migration moves a handful; a bulk import would be split). */
export const MAX_CHANGES_PER_MESSAGE = 500;

const key = z.string().check(z.minLength(1), z.maxLength(200));
const time = z.number().check(z.gte(0), z.lte(9e15));
const price = z.number().check(z.positive(), z.lte(1e15));
const levelValue = z.union([price, z.tuple([price, price]).check(z.refine(([low, high]) => low < high, 'zone low must be below high'))]);

const text = (max: number) => z.string().check(z.maxLength(max));
const asset = z.string().check(z.regex(ASSET_RE));
const vote = z.enum(['up', 'down']);

const levelSchema = z.object({
  id: key,
  asset,
  level: levelValue,
  label: z.optional(text(200)),
  chat: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  source: z.enum(['config', 'event', 'chat', 'cascade']),
  createdAt: time,
  expiresAt: z.optional(time),
  proposal: z.optional(key),
  thread: z.optional(z.object({ ref: key, target: z.optional(key) })),
});

const subscriptionSchema = z.object({
  chat: key,
  target: z.optional(key),
  enabled: z.boolean(),
  assets: z.array(asset).check(z.maxLength(200)),
  families: z.array(z.enum(['cascade', 'level'])).check(z.maxLength(2)),
  minUsd: z.number().check(z.gte(0), z.lte(1e15)),
  updatedAt: time,
  proposals: z.optional(
    z.object({
      votesNeeded: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
      ttlHours: z.optional(z.number().check(z.positive(), z.lte(24 * 365))),
    }),
  ),
  digest: z.optional(z.boolean()),
});

const proposalSchema = z.object({
  id: key,
  chat: key,
  asset,
  level: levelValue,
  reason: z.optional(text(500)), // a member types at most 140 characters (commands/proposals.ts); far longer is not a command's
  proposer: z.object({ id: key, name: z.optional(text(200)) }),
  createdAt: time,
  expiresAt: time,
  votes: z.record(key, vote).check(z.refine((v) => Object.keys(v).length <= 100_000, 'too many votes')),
  status: z.enum(['open', 'adopted', 'rejected', 'expired']),
  decidedBy: z.optional(key),
  deciderName: z.optional(text(200)),
  decidedAt: z.optional(time),
  messageRef: z.optional(key),
  thread: z.optional(key),
  levelId: z.optional(key),
});

/**
 * The schemas say exactly what the types say: a field added to Level, Subscription or Proposal without its line
 * here would be dropped from every change on the stream, so it fails the type check instead.
 */
type Same<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
const exact: [Same<z.infer<typeof levelSchema>, Level>, Same<z.infer<typeof subscriptionSchema>, Subscription>, Same<z.infer<typeof proposalSchema>, Proposal>] = [true, true, true];
void exact;

const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('level.put'), level: levelSchema }),
  z.object({ kind: z.literal('level.remove'), id: key }),
  z.object({ kind: z.literal('subscription.put'), subscription: subscriptionSchema }),
  z.object({ kind: z.literal('subscription.remove'), chat: key }),
  z.object({ kind: z.literal('chat.move'), from: key, to: key, at: time }),
  z.object({ kind: z.literal('proposal.put'), proposal: proposalSchema }),
  z.object({ kind: z.literal('proposal.vote'), id: key, voter: key, vote }),
]);
const changeCheck: Same<z.infer<typeof changeSchema>, StateChange> = true;
void changeCheck;

/** One decoded JSON value as a change, or undefined when it is not a well-formed one (unknown keys are dropped). */
export function toStateChange(value: unknown): StateChange | undefined {
  const r = changeSchema.safeParse(value);
  if (!r.success) return undefined;
  // Optional keys absent from the input stay absent (zod leaves them out), so the change is the shape a command builds.
  return r.data as StateChange;
}

/** The changes of a message; lines that are not valid changes are counted, never applied. */
export function decodeStateChanges(payload: string): { changes: StateChange[]; invalid: number } {
  const { values, invalid } = decodeLines(payload, toStateChange);
  return { changes: values, invalid };
}

let counter = 0;

/** Changes as one message with an id of its own (`<source>:<counter>:<uuid>`): kept for every retry of this message. */
export function encodeStateChanges(prefix: string, changes: readonly StateChange[], source = `pid${process.pid}`): EncodedBatch {
  if (changes.length > MAX_CHANGES_PER_MESSAGE) throw new RangeError(`at most ${MAX_CHANGES_PER_MESSAGE} changes per message (got ${changes.length})`);
  return {
    subject: stateSubject(prefix),
    payload: changes.map((c) => JSON.stringify(c)).join('\n'),
    msgId: `${source}:${++counter}:${randomUUID()}`,
    events: changes.length,
  };
}

export interface PublishStateOptions {
  /** Who writes (the gateway's id): the first part of every message id. */
  source?: string;
  /** Wait between retries of a failed publish (default 250 ms, doubling up to 5 s). */
  retryMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Publish changes on the stream in messages of at most MAX_CHANGES_PER_MESSAGE; resolves once the stream has
 * stored them all (a failed publish is retried with the same id until it is).
 */
export async function publishStateChanges(bus: Pick<Bus, 'js' | 'prefix'>, changes: readonly StateChange[], opts: PublishStateOptions = {}): Promise<void> {
  const publisher = new BusPublisher(bus, { inFlight: 1, ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}), ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  for (let i = 0; i < changes.length; i += MAX_CHANGES_PER_MESSAGE) {
    await publisher.publish(encodeStateChanges(bus.prefix, changes.slice(i, i + MAX_CHANGES_PER_MESSAGE), opts.source));
  }
}

/**
 * The write path of a process that does not own the store (a gateway): `apply` is synchronous, as
 * `Services.apply` is, and publishes in the background, one message at a time in the order applied (so a chat's
 * changes keep their order on the stream). `flush()` resolves once everything applied so far is stored.
 */
export class StatePublisher {
  private readonly publisher: BusPublisher;
  private readonly source: string;
  /** Changes applied but not yet stored by the stream. */
  pending = 0;
  published = 0;

  constructor(
    private readonly bus: Pick<Bus, 'js' | 'prefix'>,
    opts: PublishStateOptions = {},
  ) {
    this.source = opts.source ?? `pid${process.pid}`;
    this.publisher = new BusPublisher(bus, { inFlight: 1, ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}), ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  }

  apply(change: StateChange): void {
    this.pending++;
    void this.publisher.publish(encodeStateChanges(this.bus.prefix, [change], this.source)).then(() => {
      this.pending--;
      this.published++;
    });
  }

  flush(): Promise<void> {
    return this.publisher.flush();
  }

  /** Flush, then stop retrying. */
  stop(): Promise<void> {
    return this.publisher.stop();
  }
}
