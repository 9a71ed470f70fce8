/**
 * Where a chat's level may sit: within ×0.1–×10 of the asset's last price, so a typo of three zeros is refused,
 * not watched (or proposed) for years; and a second price typed where the label goes is a zone meant, not a label.
 * `/level add` and `/level propose` share these, and the refusal of a level every chat already watches; `/level add`
 * and `remove` find the levels a price typed is (`levelsAt`).
 */
import { bounds, levelKey, seenBy, type Level, type LevelValue } from '../src/core/levels.js';
import { labelAfter, levelText, price } from '../src/replies/format.js';
import { b, errorReply, type Reply } from '../src/replies/reply.js';
import { levelPrice, parsePrice, quote } from './parse.js';

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

/** A word that reads as a price (`2400`, `$2,400`, `2.4k`): itself, else undefined. Only such a word is ever repeated back. */
export function priceWord(w: string | undefined): string | undefined {
  return w !== undefined && /^\$?(?=[\d.,]*\d)[\d.,]+[kKmM]?$/.test(w) ? w : undefined;
}

/**
 * The refusal for `/level add eth 2350 2400` (or `2350 - 2400`, `2350 to 2400`): a bare price where the label (or the reason) goes
 * is a zone or a typo, not words to keep. Undefined for anything else, a quoted "2400" included. The zone is suggested
 * only when it is one (two prices, not doubling across it); the same price twice is said so, and `2 600` is a price
 * typed with a space.
 */
export function secondPrice(command: 'add' | 'propose', asset: string, value: LevelValue, text: string | undefined): Reply | undefined {
  const second = priceWord(text?.trim().replace(/^(?:[-–—]|to\b)\s*/i, ''));
  if (second === undefined) return undefined;
  let at = typeof value === 'number' ? String(value) : value.join('-');
  const other = parsePrice(second);
  let hint = 'A';
  // `2350 2350` (or `2350 -2350`): a zone `2350-2350` would read back as the one level; the price was typed twice.
  if (typeof value === 'number' && other.ok && levelPrice(other.value) === value) {
    hint = `${at} is typed twice: one level is one price, and a`;
  } else if (typeof value === 'number' && other.ok && Math.max(value, other.value) / Math.min(value, other.value) <= 2) {
    hint = `For a zone write ${at}-${second.replace(/^\$/, '')}; a`;
  } else if (/^\d{1,3}$/.test(at) && /^\d{3}$/.test(second)) {
    hint = `${at} ${second} reads as one price: write ${at}${second}; a`;
    at = `${at}${second}`;
  }
  const words = command === 'add' ? 'label' : 'reason';
  return errorReply(`${quote(second)} after the level looks like a price, not a ${words}.`, `${hint} ${words} goes in quotes: /level ${command} ${asset.toLowerCase()} ${at} "${command === 'add' ? 'prior support' : 'the line from January'}".`);
}

/**
 * The levels `chat` sees on `asset` (its own, the deployment's, a cascade's) that print as `value`, a level as
 * `parseLevel` reads it: two levels that print alike are one, however their prices were typed, and one stored before
 * prices were rounded to what prints (3600.0000000001, read $3,600) is found, and removed, at 3600.
 */
export function levelsAt(levels: readonly Level[], asset: string, value: LevelValue, chat: string): Level[] {
  const printed = (v: LevelValue): LevelValue => (typeof v === 'number' ? levelPrice(v) : [levelPrice(v[0]), levelPrice(v[1])]);
  const key = levelKey(asset, value);
  return levels.filter((l) => l.asset === asset && seenBy(l, chat) && levelKey(asset, printed(l.level)) === key);
}

/**
 * A level the deployment watches for every chat is this chat's already: a copy of its own would post each break twice
 * (once for everyone, once for the chat) and list it twice in /levels and the digest.
 */
export function watchedForEveryone(l: Level): Reply {
  const label = labelAfter(l.asset, l.label);
  return {
    blocks: [[[`${l.asset} `, b(levelText(l.level)), label ? ` ${label}` : '', ' is already watched here, for every chat: its breaks are posted here when /alerts is on.']]],
    tone: 'info',
    ephemeral: true,
  };
}
