/**
 * Charts for replies: builds a lazy ReplyImage from what the command computed (its summary, its level status and
 * estimate, its digest) and the market's series, so an adapter renders the PNG only when it actually attaches it. Renders are cached per (chart, asset, window, chat, minute of market time)
 * and run within a bot-wide budget (a few at a time, a bounded queue): a burst of /liqs in many chats costs a
 * handful of renders, and a flood beyond the queue gets replies without a chart rather than a stalled bot.
 */
import Bottleneck from 'bottleneck';
import type { MarketView } from '../core/market-view.js';
import type { ReplyImage } from '../replies/reply.js';
import type { ChartService } from '../service.js';
import { levelsChartInput, liqsChartInput } from './inputs.js';
import type { ChartLevel, LevelsChartInput, LiqsChartInput } from './types.js';
import { DEFAULT_SIZE, renderLevelsChart, renderLiqsChart } from './render.js';
import { HOUR, MINUTE } from '../core/time.js';
import { renderDigestChart, type DigestChartInput } from './digest.js';
import { RecentRenders } from './recent.js';

export interface ChartServiceOptions {
  /** Charts rendered at the same time, bot-wide (default 2: the machine has other work). */
  concurrency?: number;
  /** Renders waiting beyond this many are refused (the reply goes out without its chart). Default 50. */
  maxQueued?: number;
  /** Rendered charts kept (default 32: a PNG is ~100 KB, and a chart is only reused within its minute). */
  cacheSize?: number;
  /** The renderers (tests count and time them). */
  renderLiqs?: (input: LiqsChartInput) => Promise<{ png: Uint8Array }>;
  renderLevels?: (input: LevelsChartInput) => Promise<{ png: Uint8Array }>;
  renderDigest?: (input: DigestChartInput) => Promise<{ png: Uint8Array }>;
}

/**
 * The levels a chart shows, as part of its cache key: a level added or broken this minute redraws it, and so does one
 * price crossed back over (`across`: its tag says "price back above" in place of its role).
 */
const levelsKey = (levels: readonly ChartLevel[]): string => JSON.stringify(levels.map((l) => [l.level, l.label, l.role, l.state, l.across]));

export function createChartService(market: () => MarketView, opts: ChartServiceOptions = {}): ChartService {
  const limiter = new Bottleneck({ maxConcurrent: opts.concurrency ?? 2, highWater: opts.maxQueued ?? 50, strategy: Bottleneck.strategy.OVERFLOW, id: 'charts' });
  const cache = new RecentRenders<Uint8Array>(opts.cacheSize ?? 32);
  const renderLiqs = opts.renderLiqs ?? renderLiqsChart;
  const renderLevels = opts.renderLevels ?? renderLevelsChart;
  const renderDigest = opts.renderDigest ?? renderDigestChart;

  /** One render per key, shared by every reply that shows it; a failed render is forgotten so the next one retries. */
  function cached(key: string, render: () => Promise<{ png: Uint8Array }>): () => Promise<Uint8Array> {
    return () =>
      cache.get(key, () =>
        limiter.schedule(render).then(
          (r) => r.png,
          (err: unknown) => {
            // A full queue (OVERFLOW) drops the job: the adapter sends the reply without its chart.
            if (err instanceof Bottleneck.BottleneckError) throw new Error('chart renderer busy: too many charts waiting', { cause: err });
            throw err;
          },
        ),
      );
  }

  return {
    liqs(summary, chat): ReplyImage | undefined {
      const { asset, window } = summary;
      const input = liqsChartInput(market(), summary, chat);
      if (input.buckets.every((b) => b.longUsd + b.shortUsd === 0) && input.prices.length === 0) return undefined;
      return {
        render: cached(`liqs:${asset}:${window}:${chat ?? ''}:${Math.floor(summary.to / MINUTE)}:${levelsKey(input.levels)}`, () => renderLiqs(input)),
        ...DEFAULT_SIZE,
        alt: `${asset} liquidations and price over ${window}`,
        filename: `liqs-${asset.toLowerCase()}-${window}.png`,
      };
    },
    levels(status, map, chat): ReplyImage | undefined {
      const { asset } = status;
      const input = levelsChartInput(market(), status, map);
      if (input.prices.length === 0) return undefined;
      return {
        render: cached(`levels:${asset}:${chat ?? ''}:${Math.floor(status.ts / MINUTE)}:${levelsKey(input.levels)}`, () => renderLevels(input)),
        ...DEFAULT_SIZE,
        alt: `${asset} price and levels`,
        filename: `levels-${asset.toLowerCase()}.png`,
      };
    },
    digest(digest, asset, chat): ReplyImage {
      const m = market();
      // The week so far includes now; a week that ended is read up to its last minute.
      const prices = m.prices.bars(asset, digest.from, digest.to, HOUR, digest.soFar ? 'at' : 'before');
      const drawn = digest.levels.filter((l) => l.asset === asset && l.watched).map((l) => [l.level, l.label, l.verdict, l.tests, l.breaks?.map((e) => e.ts)]);
      return {
        render: cached(`digest:${asset}:${chat ?? ''}:${digest.from}:${Math.floor(digest.to / MINUTE)}:${JSON.stringify(drawn)}`, () => renderDigest({ asset, digest, prices, synthetic: m.synthetic })),
        ...DEFAULT_SIZE,
        alt: `${asset} price over the week with the group's levels and what each did`,
        filename: `digest-${asset.toLowerCase()}.png`,
      };
    },
  };
}
