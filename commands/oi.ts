/** `/oi <asset> [window]`: open interest per venue and its change, funding annualized, and the estimated liquidation map. */
import { leverageSnapshot } from '../src/core/leverage-figures.js';
import { noLeverageText, oiReply } from '../src/replies/leverage.js';
import { estimateLiqMap } from '../src/core/liqmap.js';
import { assetKey, parseAnyWindow, parseAsset } from './parse.js';
import { errorReply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';

export const oi: CommandDef = {
  name: 'oi',
  description: 'Open interest and funding for an asset, with the estimated liquidation map',
  usage: ['oi eth', 'oi eth 4h'],
  options: [
    { name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true },
    { name: 'window', description: 'Window for the change, e.g. 4h, 30m or 2d (5m to 7d)', kind: 'window', choices: ['1h', '4h', '12h', '24h', '7d'] },
  ],
  run(ctx, args) {
    const { config, market } = ctx.services;
    if (args.values.asset !== undefined && assetKey(args.values.asset) === 'ALL') return errorReply('Open interest is read one asset at a time.', `For example: /oi ${(market.knownAssets()[0] ?? 'eth').toLowerCase()}`);
    const asset = parseAsset(args.values.asset, market.knownAssets());
    if (!asset.ok) return errorReply(asset.message);
    const windowOf = (raw: string | undefined) => parseAnyWindow(raw, config.windows, config.defaultWindow, ctx.now);
    let window = windowOf(args.values.window);
    if (!window.ok) {
      // `/oi eth btc`: a second asset where the window goes, said as `/oi eth,btc` is; `/oi eth eth` is the one asset,
      // over the default window.
      const second = parseAsset(args.values.window, market.knownAssets());
      if (second.ok && second.value !== asset.value) return errorReply(`One asset at a time: ${asset.value} or ${second.value}.`);
      if (second.ok) window = windowOf(undefined);
      if (!window.ok) return errorReply(window.message);
    }
    // A finished recording is read as of its end (its clock runs an hour on): its last figures are not stale.
    const to = market.dataNow();
    const snapshot = leverageSnapshot(market.leverage, asset.value, to - window.value.ms, to);
    if (!snapshot) {
      // A data file (no feeds) holds none, and never will: no "yet" before it. Live without a feed (none configured,
      // none reported) says why, as /liqs does.
      const feeds = market.feeds.list();
      const { noFeed } = market.windowCoverage(asset.value, window.value.ms, to);
      const why = noLeverageText(asset.value, feeds, noFeed, to);
      return {
        title: [`${asset.value} open interest`],
        blocks: [feeds.length ? [[`No open interest or funding for ${asset.value} yet.`], [why]] : [[why]]],
        tone: 'info',
      };
    }
    const map = estimateLiqMap(market, asset.value, to);
    return oiReply(snapshot, { window: window.value.name, windows: config.windows, synthetic: market.synthetic, ...(map ? { map } : {}) });
  },
};
