/**
 * The rehearsal label as a chat reads it: on a line of its own above the alert's headline, and with no time of its
 * own, so the alert's footer stamp (the recording's moment that raised it) is the only time the message shows.
 */
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import type { ChatAdapter, DeliveryTarget } from '../../src/adapters/contract.js';
import { labelRehearsed, markRehearsal, markRehearsed, rehearsalLabel } from '../../src/ops/rehearsal.js';
import type { Reply } from '../../src/replies/reply.js';

// The bundled day's 14:15 close that lost $2,750–2,800, derived while the replay's clock stood at 14:14 (or later).
const CLOSE = Date.parse('2026-01-31T14:15:00Z');
const alert: Reply = {
  title: ['⬇️ ETH lost $2,750–2,800; $99.6M longs liquidated in the last hour'],
  blocks: [[['15m close $2,693 · prior support'], ['It now acts as resistance.']]],
  footer: ['2026-01-31 14:15 UTC'],
  tone: 'long',
};
const times = (text: string) => text.match(/\d\d:\d\d/g) ?? [];

describe('the rehearsal label', () => {
  it('says what the day is, with no time of its own', () => {
    expect(rehearsalLabel(true)).toBe('REHEARSAL: replay of a SYNTHETIC day, not live.');
    expect(rehearsalLabel(false)).toBe('REHEARSAL: replay of a recorded day, not live.');
  });

  it("the deliver role's alert (marked by the core a minute before its close) shows one time: its footer's", () => {
    const marked = markRehearsed({ kind: 'level_break', ts: CLOSE }, { at: CLOSE - 60_000, synthetic: true });
    const text = renderTerminal(labelRehearsed(alert, marked));
    expect(text.split('\n').slice(0, 3)).toEqual([
      'REHEARSAL: replay of a SYNTHETIC day, not live.',
      '',
      '⬇️ ETH lost $2,750–2,800; $99.6M longs liquidated in the last hour',
    ]);
    expect(times(text)).toEqual(['14:15']);
  });

  it('the single process labels every delivered reply the same way, the headline kept as its bold first line', async () => {
    const sent: Reply[] = [];
    const adapter: ChatAdapter = {
      platform: 'terminal',
      start: async () => {},
      stop: async () => {},
      deliver: async (_to: DeliveryTarget, r: Reply) => {
        sent.push(r);
        return { ok: true, messageRef: '1' };
      },
    };
    await markRehearsal(adapter, () => rehearsalLabel(false)).deliver({ chat: 'terminal:local' }, alert);
    expect(sent[0]!.title).toEqual([{ text: 'REHEARSAL: replay of a recorded day, not live.', bold: true }]);
    expect(sent[0]!.blocks[0]).toEqual([[{ text: '⬇️ ETH lost $2,750–2,800; $99.6M longs liquidated in the last hour', bold: true }]]);
    expect(sent[0]!.blocks.slice(1)).toEqual(alert.blocks);
    expect(times(renderTerminal(sent[0]!))).toEqual(['14:15']);
  });
});
