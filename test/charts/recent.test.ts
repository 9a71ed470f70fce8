/** Renders kept by key (src/charts/recent.ts): shared while kept, the oldest let go, a failure forgotten. */
import { describe, expect, it } from 'vitest';
import { RecentRenders } from '../../src/charts/recent.js';

describe('RecentRenders', () => {
  it('renders a key once while it is kept, lets the oldest go past its size, and forgets a failed render', async () => {
    const renders: string[] = [];
    const make = (key: string, fail = false) => () => {
      renders.push(key);
      return fail ? Promise.reject(new Error(`${key} failed`)) : Promise.resolve(`png:${key}`);
    };
    const kept = new RecentRenders<string>(2);
    const a = kept.get('a', make('a'));
    expect(kept.get('a', make('a'))).toBe(a);
    expect(await a).toBe('png:a');
    await kept.get('b', make('b'));
    await kept.get('c', make('c')); // over the size: 'a' goes
    await kept.get('b', make('b'));
    await kept.get('a', make('a'));
    expect(renders).toEqual(['a', 'b', 'c', 'a']);
    await expect(kept.get('x', make('x', true))).rejects.toThrow('x failed');
    expect(await kept.get('x', make('x'))).toBe('png:x');
    expect(renders).toEqual(['a', 'b', 'c', 'a', 'x', 'x']);
  });
});
