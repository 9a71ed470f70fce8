/**
 * `liqbot start --role ingest --replay FILE --speed N`: a recorded day published to the bus instead of live
 * feeds, at N× its own clock, so an operator can rehearse the whole deployment (cores, deliverers and gateways
 * see what they would see live). Quiet stretches longer than 15 minutes of the recording are skipped rather
 * than waited out, as the embedded rehearsal does; `speed: Infinity` publishes as fast as the stream takes it.
 */
import { describeSkipped, newReport, readRecording, skippedLevel } from '../io/event-file.js';
import type { BusPublisher } from './publisher.js';

export interface ReplayOptions {
  speed: number;
  signal?: AbortSignal;
  /** Wall clock and waiting (injected in tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Publish every event of `file`; resolves with what was read once the stream has stored all of it. */
export async function replayToBus(file: string, publisher: Pick<BusPublisher, 'add' | 'flush' | 'synthetic'>, opts: ReplayOptions): Promise<{ events: number; skipped: string[]; level: 'warn' | 'info' }> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const SKIP_MS = 15 * 60_000;
  const report = newReport();
  let t0 = 0;
  let wall0 = -1;
  for await (const e of readRecording(file, report)) {
    if (opts.signal?.aborted) break;
    publisher.synthetic = report.synthetic;
    if (Number.isFinite(opts.speed)) {
      const at = wall0 < 0 ? -Infinity : t0 + (now() - wall0) * opts.speed;
      if (e.ts - at > SKIP_MS) {
        t0 = e.ts;
        wall0 = now();
      } else if (e.ts > at) {
        // Waiting only now and then keeps the loop cheap; batches go out as they fill meanwhile.
        const waitMs = (e.ts - at) / opts.speed;
        if (waitMs > 5) {
          await publisher.flush();
          await sleep(Math.min(waitMs, 1_000));
        }
      }
    }
    publisher.add(e);
  }
  await publisher.flush();
  return { events: report.events, skipped: describeSkipped(file, report), level: skippedLevel(report) };
}
