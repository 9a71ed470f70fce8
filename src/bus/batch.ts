/**
 * One bus message = one batch: normalized events as JSON lines (the event-file format of
 * shared/spec/events.md, so a batch reads like a slice of a recorded day), one gap, an ingest process's feed
 * report (`<prefix>._feeds.status`), or the end of a recorded day (`<prefix>._replay.end`). Decoding validates
 * every line at this boundary (toEvent), as a file or a feed message is validated.
 * The message id is a hash of the payload: a re-published batch (a retry after a lost ack, or a replica that
 * batched the same events the same way) is dropped by JetStream within its duplicate window.
 */
import { eventLine, toEvent, type MarketEvent } from '../core/events.js';
import type { FeedHealth, FeedReport, Gap } from '../core/coverage.js';
import { textHash } from '../store/hash.js';

/** Header marking batches from a generated (synthetic) recording, so every reply built from them says so. */
export const SYNTHETIC_HEADER = 'Liqbot-Synthetic';
/** Header marking batches of a recorded day (`--role ingest --replay`): its prints are all its readers can vouch for. */
export const RECORDED_HEADER = 'Liqbot-Recorded';

/**
 * Header stating the reorder hold (ms of event time) a reader needs for the publisher's batches: a live ingest
 * states a short one (its batches span a quarter of a second), a replayed file none (readers keep 5 minutes).
 */
export const HOLD_HEADER = 'Liqbot-Hold-Ms';
/**
 * Header marking a live ingest's messages (`Liqbot-Live: 1`): their readers' markets are fed by live feeds from that
 * message on, so an untracked asset an all-market stream brings counts in the market-wide flush alone
 * (`Market.tracks`), as in the embedded bot, without waiting for a feed report (every 30 s) the reader may have
 * started after. A recorded day's messages never carry it.
 */
export const LIVE_HEADER = 'Liqbot-Live';
/** The longest hold a reader keeps, and the one it keeps when a batch states none. */
export const MAX_HOLD_MS = 5 * 60_000;

/** The hold a message's header states, or undefined when it states none or something that is not a hold. */
export function holdOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Math.min(Number(value), MAX_HOLD_MS);
}

export interface EncodedBatch {
  subject: string;
  payload: string;
  /** Deterministic: the same subject and payload always give the same id. */
  msgId: string;
  events: number;
}

export function encodeEvents(subject: string, events: readonly MarketEvent[]): EncodedBatch {
  const payload = events.map(eventLine).join('\n');
  return { subject, payload, msgId: `${subject}:${events.length}:${textHash(payload).toString(36)}`, events: events.length };
}


export function encodeGap(subject: string, gap: Gap): EncodedBatch {
  const payload = JSON.stringify({ exchange: gap.exchange, from: gap.from, to: gap.to, reason: gap.reason });
  return { subject, payload, msgId: `${subject}:gap:${textHash(payload).toString(36)}`, events: 0 };
}

/**
 * The values of a message of JSON lines, each turned by `convert` (undefined: not a valid one); lines that are not
 * JSON or not valid are counted, never applied.
 */
export function decodeLines<T>(payload: string, convert: (value: unknown) => T | undefined): { values: T[]; invalid: number } {
  const values: T[] = [];
  let invalid = 0;
  for (const line of payload.split('\n')) {
    if (line === '') continue;
    let value: T | undefined;
    try {
      value = convert(JSON.parse(line));
    } catch {
      value = undefined;
    }
    if (value === undefined) invalid++;
    else values.push(value);
  }
  return { values, invalid };
}

/** The events of a batch; lines that are not valid events are counted, never applied. */
export function decodeEvents(payload: string): { events: MarketEvent[]; invalid: number } {
  const { values, invalid } = decodeLines(payload, (value) => {
    const r = toEvent(value);
    return r.ok ? r.event : undefined;
  });
  return { events: values, invalid };
}

export function decodeGap(payload: string): Gap | undefined {
  try {
    const g = JSON.parse(payload) as Partial<Gap>;
    if (typeof g.exchange !== 'string' || typeof g.from !== 'number' || typeof g.to !== 'number' || typeof g.reason !== 'string') return undefined;
    return { exchange: g.exchange, from: g.from, to: g.to, reason: g.reason };
  } catch {
    return undefined;
  }
}

/** The subject's tokens after the prefix: `_feeds` stands where a venue would (no venue starts with `_`). */
export const FEEDS_SUBJECT_TAIL = '_feeds.status';

export function feedsSubject(prefix: string): string {
  return `${prefix}.${FEEDS_SUBJECT_TAIL}`;
}

export function isFeedsSubject(subject: string): boolean {
  return subject.endsWith(`.${FEEDS_SUBJECT_TAIL}`);
}

export function encodeFeeds(subject: string, report: FeedReport): EncodedBatch {
  const payload = JSON.stringify(report);
  return { subject, payload, msgId: `${subject}:${report.instance}:${report.at}:${textHash(payload).toString(36)}`, events: 0 };
}

/**
 * The subject's tokens after the prefix for the end of a recorded day: `--role ingest --replay` publishes one empty
 * message there once the whole file is stored, so readers release the events they still hold for ordering (nothing
 * later will come to release them) and stop saying a rehearsal is replaying. Empty, so a reader from before it reads
 * it as a batch of no events and goes on (it only never releases the last minutes, as before).
 */
export const RECORDING_END_TAIL = '_replay.end';

export function recordingEndSubject(prefix: string): string {
  return `${prefix}.${RECORDING_END_TAIL}`;
}

export function isRecordingEndSubject(subject: string): boolean {
  return subject.endsWith(`.${RECORDING_END_TAIL}`);
}

/** The end of a recorded day: an empty payload, an id of its own (`run`: one per replay, so a retry is stored once). */
export function encodeRecordingEnd(subject: string, run: string): EncodedBatch {
  return { subject, payload: '', msgId: `${subject}:${run}`, events: 0 };
}

const PHASES = new Set(['live', 'connecting', 'down']);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const shortText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** A feed report, checked field by field (what a reply names comes from here); undefined when any part is not one. */
export function decodeFeeds(payload: string): FeedReport | undefined {
  try {
    const r = JSON.parse(payload) as Partial<FeedReport> | null;
    if (!r || !shortText(r.instance, 100) || !finite(r.at) || !Array.isArray(r.feeds) || r.feeds.length > 100) return undefined;
    const feeds: FeedHealth[] = [];
    for (const f of r.feeds as Partial<FeedHealth>[]) {
      if (!f || !shortText(f.exchange, 40) || !/^[a-z0-9_-]+$/.test(f.exchange) || (f.stream !== 'liquidations' && f.stream !== 'prices')) return undefined;
      if (!PHASES.has(f.state as string) || !finite(f.since) || typeof f.sampled !== 'boolean') return undefined;
      if (f.polledEveryMs !== undefined && !(finite(f.polledEveryMs) && f.polledEveryMs > 0)) return undefined;
      // Assets no venue lists, as a reply names them: coin symbols, a few.
      if (f.unlisted !== undefined && !(Array.isArray(f.unlisted) && f.unlisted.length <= 100 && f.unlisted.every((a) => shortText(a, 40) && !/[\s<>&*_`[\]]/u.test(a)))) return undefined;
      feeds.push({ exchange: f.exchange, stream: f.stream, state: f.state!, since: f.since, sampled: f.sampled, ...(f.polledEveryMs !== undefined ? { polledEveryMs: f.polledEveryMs } : {}), ...(f.unlisted?.length ? { unlisted: [...f.unlisted] } : {}) });
    }
    return { instance: r.instance, at: r.at, feeds };
  } catch {
    return undefined;
  }
}
