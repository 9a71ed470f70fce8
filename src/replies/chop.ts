/**
 * How a chopping level's count reads, the same in its alerts, `/levels` and a level thread's answer: the level's own
 * crossings, never those of its price before it was a level.
 */
import type { ChopCount } from '../core/levels.js';
import { sinceWord } from './format.js';

/**
 * "3 crosses since 18:00"; for a level set where price was already crossing it, from when it was set ("1 cross since it
 * was set at 00:00"). Undefined with none to count.
 */
export function chopCountText(count: ChopCount, now: number): string | undefined {
  if (count.crosses === 0) return undefined;
  const when = sinceWord(count.since, now);
  const since = count.setInChop ? `it was set ${/^\d/.test(when) ? 'at ' : ''}${when}` : when;
  return `${count.crosses} ${count.crosses === 1 ? 'cross' : 'crosses'} since ${since}`;
}
