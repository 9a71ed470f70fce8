/**
 * Where a chat's level may sit: within ×0.1–×10 of the asset's last price, so a typo of three zeros is refused,
 * not watched (or proposed) for years. `/level add` and `/level propose` share it.
 */
import { bounds, type LevelValue } from '../src/core/levels.js';
import { levelText, price } from '../src/replies/format.js';
import { errorReply, type Reply } from '../src/replies/reply.js';

/** How far from the last price a level may sit: ×0.1 to ×10. */
export const LEVEL_RANGE = [0.1, 10] as const;

/** The refusal for a level too far from price, or undefined when it is in range (or there is no price yet). */
export function outOfRange(asset: string, value: LevelValue, last: number | undefined): Reply | undefined {
  const [low, high] = bounds(value);
  if (last === undefined || (low >= last * LEVEL_RANGE[0] && high <= last * LEVEL_RANGE[1])) return undefined;
  return errorReply(
    `${levelText(value)} is too far from ${asset}'s price (${price(last)}).`,
    `A level must sit between ${price(last * LEVEL_RANGE[0])} and ${price(last * LEVEL_RANGE[1])} (×0.1 to ×10 of price).`,
  );
}
