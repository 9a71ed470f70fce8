/**
 * Charts for replies: builds a lazy ReplyImage from the market's current state, so an adapter renders the
 * PNG only when it actually attaches it.
 */
import type { Market } from '../core/market.js';
import type { ReplyImage } from '../core/reply.js';
import type { ChartService } from '../service.js';
import { levelsChartInput, liqsChartInput } from './inputs.js';
import { DEFAULT_SIZE, renderLevelsChart, renderLiqsChart } from './render.js';

/** Render once, however many chats the image goes to. */
function once(render: () => Promise<Uint8Array>): () => Promise<Uint8Array> {
  let png: Promise<Uint8Array> | undefined;
  return () => (png ??= render());
}

export function createChartService(market: () => Market): ChartService {
  return {
    liqs(asset, window, windowMs, chat): ReplyImage | undefined {
      const m = market();
      const input = liqsChartInput(m, asset, window, windowMs, m.clock, chat);
      if (input.buckets.every((b) => b.longUsd + b.shortUsd === 0) && input.prices.length === 0) return undefined;
      return {
        render: once(async () => (await renderLiqsChart(input)).png),
        ...DEFAULT_SIZE,
        alt: `${asset} liquidations and price over ${window}`,
        filename: `liqs-${asset.toLowerCase()}-${window}.png`,
      };
    },
    levels(asset, chat): ReplyImage | undefined {
      const m = market();
      const input = levelsChartInput(m, asset, chat);
      if (input.prices.length === 0) return undefined;
      return {
        render: once(async () => (await renderLevelsChart(input)).png),
        ...DEFAULT_SIZE,
        alt: `${asset} price and levels`,
        filename: `levels-${asset.toLowerCase()}.png`,
      };
    },
  };
}
