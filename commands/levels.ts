/** `/levels <asset>`: price, every level with role, distance and state, and how the structure reads. */
import { parseAsset } from '../src/core/parse.js';
import { levelsReply } from '../src/replies/levels.js';
import { estimateLiqMap } from '../src/core/liqmap.js';
import { errorReply } from '../src/replies/reply.js';
import type { CommandDef } from './types.js';

export const levels: CommandDef = {
  name: 'levels',
  description: 'Levels for an asset: holding, testing, broken or reclaimed',
  usage: ['levels eth'],
  options: [{ name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true }],
  run(ctx, args) {
    const { market, charts } = ctx.services;
    const asset = parseAsset(args.values.asset, market.knownAssets());
    if (!asset.ok) return errorReply(asset.message);
    const status = market.levelStatus(asset.value, ctx.chat.key);
    const summary = market.summary(asset.value, '24h', 86_400_000);
    const reply = levelsReply(status, summary.coverage, estimateLiqMap(market, asset.value, market.clock));
    const image = status.levels.length && status.price !== undefined ? charts?.levels(asset.value, ctx.chat.key) : undefined;
    if (image) reply.image = image;
    return reply;
  },
};
