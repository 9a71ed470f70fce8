/**
 * What commands and adapters are given: the validated config, the market engine, the store for chat
 * settings, and (optionally) charts. Built once by main.ts or the CLI; commands never build their own.
 */
import type { Config } from '../config/schema.js';
import type { Market } from './core/market.js';
import type { ReplyImage } from './replies/reply.js';
import type { Store } from './store/store.js';

export interface ChartService {
  /** The `/liqs` chart for an asset and window, rendered lazily. */
  liqs(asset: string, window: string, windowMs: number, chat?: string): ReplyImage | undefined;
  levels(asset: string, chat?: string): ReplyImage | undefined;
}

export interface Services {
  readonly config: Config;
  readonly market: Market;
  readonly store: Store;
  readonly charts?: ChartService;
  /** The bot's clock: wall time live, the recording's time in rehearsal (`--replay`). */
  now(): number;
}
