/** `/status`: what the bot sees now (each venue's feed and last liquidation print, each asset's last price) and whether this chat gets alerts. */
import { fundingStale } from '../src/core/leverage-figures.js';
import { seenBy } from '../src/core/levels.js';
import { HOUR } from '../src/core/time.js';
import { statusReply, type LeverageFreshness } from '../src/replies/status.js';
import { readSubscription } from '../src/state/writer.js';
import type { MarketView } from '../src/core/market-view.js';
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
    const now = Number.isFinite(market.clock) ? market.clock : ctx.now;
    const { recorded, noFeed } = market.windowCoverage(config.assets[0] ?? market.knownAssets()[0] ?? 'BTC', HOUR);
    const feeds = market.feeds.list();
    return statusReply({
      feeds,
      lastPrints: market.lastPrints,
      // Before the first event (or tick) the market has no clock: the caller's moment stands in.
      now,
      assets: config.assets,
      others: market.knownAssets().filter((a) => !config.assets.includes(a)).length,
      // Prices for the tracked assets and any with a level this chat watches (a file's SUI levels).
      priced: [...new Set([...config.assets, ...market.levels.all().filter((l) => seenBy(l, ctx.chat.key)).map((l) => l.asset)])],
      // Said at when it was (`at`, a candle's close), not where lookups place it (`ts`, the candle's last minute).
      lastPrice: (asset) => market.prices.last(asset),
      // Each venue's status carries them once every venue's market list has loaded; before that, "none yet".
      unlisted: [...new Set(feeds.flatMap((f) => f.unlisted ?? []))],
      ...(recorded ? { recorded } : {}),
      ...(noFeed ? { noFeed } : {}),
      synthetic: market.synthetic,
      // The chat's settings as last changed: a change the store has not taken yet (a full disk) counts already.
      alerts: readSubscription(store, ctx.chat.key)?.enabled ?? false,
      leverage: leverageFreshness(market, config.assets, Math.min(now, market.dataNow())),
    });
  },
};

/** Each venue's latest open interest and funding update over `assets`: the latest of any asset, stale when that one is. */
function leverageFreshness(market: MarketView, assets: readonly string[], now: number): LeverageFreshness[] {
  const out = new Map<string, LeverageFreshness>();
  const row = (ex: string): LeverageFreshness => {
    let r = out.get(ex);
    if (!r) out.set(ex, (r = { exchange: ex }));
    return r;
  };
  const later = (a: { ts: number; stale: boolean } | undefined, z: { ts: number; stale: boolean }) => (a && a.ts >= z.ts ? a : z);
  for (const asset of assets) {
    const oi = market.leverage.change(asset, now, now, { current: true });
    for (const [ex, v] of Object.entries(oi?.byExchange ?? {})) if (v.seen !== undefined) row(ex).oi = later(row(ex).oi, { ts: v.seen, stale: false });
    for (const st of oi?.stale ?? []) row(st.exchange).oi = later(row(st.exchange).oi, { ts: st.since, stale: true });
    for (const f of market.leverage.fundingNow(asset)) {
      const ts = Math.min(f.ts, now);
      row(f.exchange).funding = later(row(f.exchange).funding, { ts, stale: fundingStale(f, now) });
    }
  }
  return [...out.values()];
}
