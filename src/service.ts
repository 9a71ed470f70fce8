/**
 * What commands and adapters are given: the validated config, the market's read-only view, the store for chat
 * settings, and (optionally) charts. Built once by main.ts or the CLI; commands never build their own.
 */
import type { Config } from '../config/schema.js';
import type { LevelStatus, LiquidationSummary } from './core/summary.js';
import type { Market } from './core/market.js';
import type { MarketView } from './core/market-view.js';
import type { LiqMap } from './core/liqmap.js';
import type { Digest } from './core/digest.js';
import type { ReplyImage } from './replies/reply.js';
import type { StateChange } from './state/changes.js';
import { StateWriter } from './state/writer.js';
import type { Store } from './store/store.js';

/** Charts of what a command already computed (never computed again for the chart), rendered lazily. */
export interface ChartService {
  /** The `/liqs` chart of a summary, with `chat`'s levels drawn in. */
  liqs(summary: LiquidationSummary, chat?: string): ReplyImage | undefined;
  /** The `/levels` chart of a level status (computed for `chat`) and the liquidation-map estimate the reply shows. */
  levels(status: LevelStatus, map: LiqMap | undefined, chat?: string): ReplyImage | undefined;
  /**
   * The `/level digest` chart of `asset`: the digest's week on hourly bars of its clock, under the chat's levels
   * and what each did. Optional: the tests' stand-ins leave it out.
   */
  digest?(digest: Digest, asset: string, chat?: string): ReplyImage | undefined;
}

export interface Services {
  readonly config: Config;
  /** What commands read: the market's queries, never its ingestion (changes go through `apply`). */
  readonly market: MarketView;
  readonly store: Store;
  readonly charts?: ChartService;
  /** The bot's clock: wall time live, the recording's time in rehearsal (`--replay`). */
  now(): number;
  /** Change a level or a chat's settings: the engine and the store, through the one write path (StateWriter). */
  apply(change: StateChange): void;
  /**
   * Since when (ms) what is written is not kept, while it is not (the database file deleted, replaced or moved:
   * StoreHealth.notKeptSince): a change's reply says a restart loses it. The live bot's; without it, writes are kept.
   */
  notKeptSince?(): number | undefined;
  /** Told every command's duration (ms), for metrics (the ops server adds a histogram); the bot's own. */
  readonly commandTimings?: Set<(command: string, ms: number) => void>;
}

/** Services over a market and a store, with their own write path (the offline CLI, tests); the live bot is LiqBot. */
export function createServices(parts: Omit<Services, 'apply' | 'market'> & { market: Market }): Services {
  const state = new StateWriter({ store: parts.store, market: parts.market });
  return { ...parts, apply: (change) => state.apply(change) };
}
