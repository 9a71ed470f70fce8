/** `/liqs [asset|all] [window]`: how much got liquidated, long vs short, where, and how it ranks. */
import { WINDOW_MS, type WindowName } from '../config/windows.js';
import { parseAsset, parseWindow } from './parse.js';
import { marketReply, summaryReply } from '../src/replies/summary.js';
import { errorReply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';

export const liqs: CommandDef = {
  name: 'liqs',
  description: 'Liquidations for an asset (or the whole market) over a window',
  usage: ['liqs eth', 'liqs eth 4h', 'liqs all 24h'],
  options: [
    { name: 'asset', description: 'Asset, e.g. eth (or all)', kind: 'asset' },
    { name: 'window', description: 'Time window', kind: 'window', choices: ['1h', '4h', '12h', '24h', '7d'] },
  ],
  run(ctx, args) {
    const { config, market, charts } = ctx.services;
    let rawAsset = args.values.asset;
    let rawWindow = args.values.window;
    // `/liqs 4h`, `/liqs 4h eth` and `/liqs week` read naturally too (a window word that is no tracked asset).
    if (rawAsset && parseWindow(rawAsset, config.windows, config.defaultWindow).ok && !market.knownAssets().includes(rawAsset.toUpperCase())) {
      [rawAsset, rawWindow] = [rawWindow, rawAsset];
    }
    const window = parseWindow<WindowName>(rawWindow, config.windows, config.defaultWindow);
    if (!window.ok) return errorReply(window.message);
    const windowMs = WINDOW_MS[window.value];
    if (!rawAsset || rawAsset.toLowerCase() === 'all') {
      return marketReply(market.marketSummary(window.value, windowMs), config.windows);
    }
    const asset = parseAsset(rawAsset, market.knownAssets());
    if (!asset.ok) return errorReply(asset.message);
    const summary = market.summary(asset.value, window.value, windowMs);
    const reply = summaryReply(summary, config.windows);
    const image = charts?.liqs(summary, ctx.chat.key);
    if (image) reply.image = image;
    return reply;
  },
};
