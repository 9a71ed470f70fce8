/** `/status`: what the bot sees now (each venue's feed and last liquidation print, each asset's last price) and whether this chat gets alerts. */
import { seenBy } from '../src/core/levels.js';
import { HOUR } from '../src/core/time.js';
import { statusReply } from '../src/replies/status.js';
import type { CommandDef } from './types.js';

export const status: CommandDef = {
  name: 'status',
  description: 'What liqbot sees now: each venue live or not, its last print, alerts here',
  usage: ['status'],
  guide: [
    ['live', 'the venue’s liquidation stream is connected; its last print says when it last published one (a quiet market publishes few).'],
    ['sampled', 'the venue publishes at most one liquidation per symbol each second: its sums are lower bounds.'],
    ['polled', 'read from the venue’s public history at that interval: complete, seconds late.'],
  ],
  options: [],
  run(ctx) {
    const { market, store, config } = ctx.services;
    const recorded = market.windowCoverage(config.assets[0] ?? market.knownAssets()[0] ?? 'BTC', HOUR).recorded;
    return statusReply({
      feeds: market.feeds.list(),
      lastPrints: market.lastPrints,
      // Before the first event (or tick) the market has no clock: the caller's moment stands in.
      now: Number.isFinite(market.clock) ? market.clock : ctx.now,
      assets: config.assets,
      others: market.knownAssets().filter((a) => !config.assets.includes(a)).length,
      // Prices for the tracked assets and any with a level this chat watches (a file's SUI levels).
      priced: [...new Set([...config.assets, ...market.levels.all().filter((l) => seenBy(l, ctx.chat.key)).map((l) => l.asset)])],
      lastPrice: (asset) => market.prices.last(asset),
      ...(recorded ? { recorded } : {}),
      synthetic: market.synthetic,
      alerts: store.getSubscription(ctx.chat.key)?.enabled ?? false,
    });
  },
};
