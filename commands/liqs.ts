/** `/liqs [asset|all] [window]`: how much got liquidated, long vs short, where, and how it ranks. */
import { parseAnyWindow, parseAsset, untrackedAsset } from './parse.js';
import { marketReply, summaryReply } from '../src/replies/summary.js';
import { errorReply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';

export const liqs: CommandDef = {
  name: 'liqs',
  description: 'Liquidations for an asset (or the whole market) over a window',
  usage: ['liqs eth', 'liqs eth 4h', 'liqs all 24h'],
  guide: [
    'Sums of the forced orders the exchanges publish, by side (a long liquidated is a forced sell) and by exchange.',
    'A * marks a sampled stream (at most one print per symbol each second, each possibly standing for several orders): its figure is a lower bound, and its count is of prints.',
    '"No liquidation data" (no feed, a feed down, a file without prints) is not "no liquidations": the reply says which.',
    'Any window from 5m to 7d: /liqs eth 30m, /liqs eth 1.5h, /liqs btc 3d (windows count back from now).',
  ],
  options: [
    { name: 'asset', description: 'Asset, e.g. eth (or all)', kind: 'asset' },
    { name: 'window', description: 'Time window, e.g. 4h, 30m or 2d (5m to 7d)', kind: 'window', choices: ['1h', '4h', '12h', '24h', '7d'] },
  ],
  run(ctx, args) {
    const { config, market, charts } = ctx.services;
    let rawAsset = args.values.asset;
    let rawWindow = args.values.window;
    // Any window from 5m to 7d (`/liqs eth 30m` after a flush, `/liqs eth 2h`); the buttons offer the configured ones.
    const windowOf = (raw: string | undefined) => parseAnyWindow(raw, config.windows, config.defaultWindow, ctx.now);
    // `/liqs 4h`, `/liqs 4h eth` and `/liqs week` read naturally too (a window word that is no tracked asset).
    if (rawAsset && windowOf(rawAsset).ok && !market.knownAssets().includes(rawAsset.toUpperCase())) {
      [rawAsset, rawWindow] = [rawWindow, rawAsset];
    }
    let window = windowOf(rawWindow);
    if (!window.ok) {
      // `/liqs eth btc`: two assets, said as such (as `/liqs eth,btc` is), not as a window named "btc"; `/liqs eth eth`
      // is the one asset, over the default window.
      const [first, second] = [parseAsset(rawAsset, market.knownAssets()), parseAsset(rawWindow, market.knownAssets())];
      if (first.ok && second.ok && first.value === second.value) window = windowOf(undefined);
      else if (first.ok && second.ok) return errorReply(`One asset at a time: ${first.value} or ${second.value}.`);
      if (!window.ok) return errorReply(window.message);
    }
    const { name, ms: windowMs } = window.value;
    // A finished recording is read as of its end (its clock runs an hour on), as /oi reads it: one moment for both.
    const to = market.dataNow();
    if (!rawAsset || rawAsset.toLowerCase() === 'all') {
      return marketReply(market.marketSummary(name, windowMs, to), config.windows);
    }
    const asset = parseAsset(rawAsset, market.knownAssets());
    if (!asset.ok) {
      // `/liqs today`, `/liqs 1.5d`: a window the reader meant, answered as one (not as an unknown asset).
      const meant = windowOf(rawAsset);
      if (!meant.ok && !rawWindow && /^\s*(\d|today|yesterday|since\b|ytd)/i.test(rawAsset)) return errorReply(meant.message);
      return errorReply(asset.message);
    }
    // Known through a level kept from when it was tracked, no feed brings it: said, not "No liquidation data".
    const untracked = untrackedAsset(asset.value, config.assets, market, ctx.chat.key);
    if (untracked) return errorReply(untracked.message, untracked.hint);
    const summary = market.summary(asset.value, name, windowMs, to);
    const reply = summaryReply(summary, config.windows);
    const image = charts?.liqs(summary, ctx.chat.key);
    if (image) reply.image = image;
    return reply;
  },
};
