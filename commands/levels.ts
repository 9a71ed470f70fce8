/** `/levels <asset>`: price, every level with role, distance and state, and how the structure reads. */
import { parseAsset, untrackedAsset } from './parse.js';
import { levelsReply } from '../src/replies/levels.js';
import { estimateLiqMap } from '../src/core/liqmap.js';
import { seenBy } from '../src/core/levels.js';
import { errorReply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';
import { DAY } from '../src/core/time.js';
import type { Proposal } from '../src/core/proposals.js';
import { readProposal } from '../src/state/writer.js';

export const levels: CommandDef = {
  name: 'levels',
  description: 'Levels for an asset: holding, testing, broken, reclaimed or chopping',
  usage: ['levels eth'],
  guide: [
    ['holding', 'price stays on its side (a support below price, a resistance above).'],
    ['testing', 'price is at the level, inside a zone, or across it before a candle close confirms it.'],
    ['no 15m close beyond it yet', 'no candle close has put price on a side of it since it was set: the row says where price is, not a role.'],
    ['lost / broke up', 'a candle close beyond it by its buffer (a share of price, wider when the asset is volatile); a wick never counts.'],
    ['reclaimed', 'back on its side after a break.'],
    ['failed breakout', 'a break up that fell back below.'],
    ['chopping', 'crossed again and again; said once, then no alert until a decisive close (far beyond it, or beyond it for hours).'],
  ],
  options: [{ name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true }],
  run(ctx, args) {
    const { config, market, charts } = ctx.services;
    let typed = args.values.asset?.trim() || undefined;
    const every = typed?.toLowerCase() === 'all';
    if (typed === undefined || every) {
      // `/levels` alone: the asset this chat watches levels on, when there is one; else which ones it does. Levels
      // are read one asset at a time (`/levels all` is not a market-wide view, as `/liqs all` is).
      const watched = [...new Set(market.levels.all().filter((l) => l.source !== 'cascade' && seenBy(l, ctx.chat.key)).map((l) => l.asset))];
      const which = `Levels are watched here for ${watched.slice(0, 8).join(', ')}${watched.length > 8 ? ', …' : ''}.`;
      if (every) return errorReply(`Levels are read one asset at a time.${watched.length ? ` ${which}` : ''}`, `For example: /levels ${(watched[0] ?? market.knownAssets()[0] ?? 'eth').toLowerCase()}`);
      if (watched.length > 1) return errorReply(`Which asset? ${which}`, `For example: /levels ${watched[0]!.toLowerCase()}`);
      typed = watched[0];
    }
    const asset = parseAsset(typed, market.knownAssets());
    if (!asset.ok) return errorReply(asset.message);
    // An asset taken out of `assets` keeps its levels, but no price will come to judge them by: said, not "No price yet".
    const untracked = untrackedAsset(asset.value, config.assets, market, ctx.chat.key);
    if (untracked) return errorReply(untracked.message, untracked.hint);
    // Computed once: the reply and its chart show the same status and the same estimate. A finished recording is read
    // as of its end (its clock runs an hour on), as /liqs and /oi read it: one moment for all three.
    const to = market.dataNow();
    const status = market.levelStatus(asset.value, ctx.chat.key, to);
    const map = estimateLiqMap(market, asset.value, status.ts);
    const stories = new Map<string, Proposal>();
    for (const v of status.levels) {
      const p = v.level.proposal !== undefined ? readProposal(ctx.services.store, v.level.proposal) : undefined;
      if (p) stories.set(v.level.id, p);
    }
    const reply = levelsReply(status, market.windowCoverage(asset.value, DAY, to), map, stories);
    const image = status.levels.length && status.price !== undefined ? charts?.levels(status, map, ctx.chat.key) : undefined;
    if (image) reply.image = image;
    return reply;
  },
};
