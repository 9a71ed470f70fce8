/**
 * A member's name as every platform shows it in proposal cards, stories and `/level list`: what shows nothing is
 * left out by the core's one list (so a name of blanks reads "a member"), a name is never a mention, names stored
 * as `@username` before included, and a name that holds a link is no name.
 */
import { describe, expect, it } from 'vitest';
import { decide, propose, type ProposalRules } from '../../src/core/proposals.js';
import { memberName, proposalReply, shownName, storyLines, storyMarker } from '../../src/replies/proposals.js';
import { replyText, type Span } from '../../src/replies/reply.js';

const T0 = Date.UTC(2026, 0, 31, 12);
const spanText = (s: Span) => (typeof s === 'string' ? s : s.text);
const rules: ProposalRules = { ttlMs: 24 * 3_600_000 };
const card = (name: string | undefined) =>
  replyText(proposalReply(propose({ id: 'telegram:-100:p1', chat: 'telegram:-100', asset: 'ETH', level: 2350, proposer: { id: 'u1', ...(name !== undefined ? { name } : {}) } }, T0, rules), { now: T0, rules }));

describe('names that show nothing', () => {
  it.each([
    ['braille blanks', '\u2800\u2800\u2800'],
    ['combining grapheme joiners', '\u034F\u034F'],
    ['variation selectors', '\uFE0F\uFE0F'],
    ['Khmer inherent vowel', '\u17B5'],
    ['Khmer inherent vowel aq', '\u17B4'],
    ['Hangul fillers', '\u3164\u115F\u1160\uFFA0'],
    ['Mongolian variation selectors', '\u180B\u180C'],
    ['a mix with spaces and bidi marks', ' \u2800 \u202E\u3164 \u200B'],
  ])('%s are no name: "a member"', (_, name) => {
    expect(shownName(name)).toBe('');
    expect(memberName({ id: '1', name })).toBe('a member');
    expect(card(name)).toContain('a member proposes ETH $2,350');
  });

  it('what shows stays: accents, scripts with their joiners, emoji whole', () => {
    expect(memberName({ id: '1', name: 'Zoë \u2800' })).toBe('Zoë');
    expect(memberName({ id: '1', name: 'کاربر\u200Cها' })).toBe('کاربر\u200Cها');
    expect(memberName({ id: '1', name: '❤️ 👨\u200D👩\u200D👧 fam' })).toBe('❤️ 👨\u200D👩\u200D👧 fam');
    expect(memberName({ id: '1', name: 'Ann\u034F\uFE0F' })).toBe('Ann');
  });
});

describe('names are never mentions', () => {
  it('a name stored as @username (as Telegram names were kept before) shows without its @', () => {
    const p = propose({ id: 'telegram:-100:p2', chat: 'telegram:-100', asset: 'ETH', level: 2350, proposer: { id: 'u1', name: '@alice' } }, T0, rules);
    const adopted = decide(p, { id: 'u9', name: '@boss', isAdmin: true }, 'adopt', T0 + 1);
    if (!adopted.ok) throw new Error(adopted.reason);
    const shown = [card('@alice'), ...storyLines(adopted.proposal, T0 + 2).map((l) => l.map(spanText).join('')), spanText(storyMarker(p))];
    expect(shown[0]).toContain('alice proposes ETH');
    expect(shown.join('\n')).toContain('adopted by boss');
    for (const text of shown) expect(text).not.toContain('@');
  });

  it('an @ that starts a word is left out; one inside a word is no mention and stays', () => {
    expect(shownName('Bob (@bob_signals)')).toBe('Bob (bob_signals)');
    expect(shownName('@@scam')).toBe('scam');
    expect(shownName('@\u200Bscam')).toBe('scam');
    expect(shownName('bob@home')).toBe('bob@home');
  });
});

describe('names are never links', () => {
  it.each([
    ['a domain and a path', 'JOIN t.me/pump_signals scam.io'],
    ['a bare domain', 'pump.fun'],
    ['a full-width domain, a link once folded (NFKC)', 'ｓｃａｍ．ｉｏ signals'],
    ['a zero-width space hiding nothing', 'x\u200B.com'],
    ['a scheme', 'https://scam'],
    ['www.', 'www.x'],
  ])('%s: the whole name is left out, and shows as "a member"', (_, name) => {
    expect(shownName(name)).toBe('');
    expect(memberName({ id: '1', name })).toBe('a member');
    expect(card(name)).toContain('a member proposes ETH $2,350');
  });

  it('a trader\'s name with dots or numbers stays', () => {
    for (const name of ['J. R. Doe', 'Ann v2.0', 'U.S. desk', 'BTC.D watcher', 'ETH/BTC maxi']) expect(memberName({ id: '1', name })).toBe(name);
  });
});
