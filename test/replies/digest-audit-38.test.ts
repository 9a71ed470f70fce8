/**
 * The digest says what it read, in the zone its footer names. On the bundled day the levels were set Jan 31 00:00 and
 * the bot's ETH prices go back to Jan 28 00:00 (/level info reads those): the digest reads each level from when it was
 * set, and its footer says so and where the prices begin, never "the price data the bot has" of a span that is not.
 * On the real week of Mar 24–30 2025 in Berlin, BTC's levels were lost on Mar 28 in CET and the week ended in CEST: the
 * digest's times name CET, as /levels does, not a bare "09:00" under a CEST footer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { chatDigest, postedDigest, weekStart } from '../../src/alerts/digest.js';
import type { LevelBreak } from '../../src/core/alerts.js';
import { weeklyDigest } from '../../src/core/digest.js';
import { HOUR } from '../../src/core/time.js';
import { runFile } from '../../src/offline.js';
import { digestReply } from '../../src/replies/digest.js';
import { replyText } from '../../src/replies/reply.js';
import { setTimeZone } from '../../src/replies/zone.js';
import type { Store } from '../../src/store/store.js';

const at = (iso: string) => Date.parse(iso);
const store = { listProposals: () => [] } as unknown as Store;
const config = loadConfig();

const footer = (text: string): string => text.trimEnd().split('\n').at(-1)!;

describe('the digest’s footer says the span it read', () => {
  it('bundled day: levels set Jan 31, prices from Jan 28: read from when they were set, and said so', async () => {
    const run = await runFile('fixtures/eth-2026-01-31.synthetic.jsonl', config);
    const now = run.market.clock;
    const d = chatDigest(run.market, store, 'terminal:demo', now, config.levels.testingPct, 'ETH');
    // What the bot has of the week (what /level info reads): hourly bars from Jan 28 00:00.
    const held = run.market.prices.bars('ETH', d.from, d.to, HOUR, 'before');
    expect(held[0]!.ts).toBe(at('2026-01-28T00:00:00Z'));
    expect(d.pricesFrom).toBe(held[0]!.ts);
    expect(d.dataFrom).toBe(at('2026-01-31T00:00:00Z'));
    const text = replyText(digestReply(d, { synthetic: true }));
    expect(footer(text)).toBe(
      'Breaks as the level alerts told them · read on hourly closes, each level from when it was set, Jan 31 00:00 – Feb 1 00:00 UTC (the bot’s prices go back to Jan 28 00:00) · SYNTHETIC demo data',
    );
    expect(text).not.toContain('the price data the bot has');
  });

  it('a proposal made mid-week is read from then on, and the footer says "proposed"', () => {
    const from = at('2025-04-07T00:00:00Z');
    const to = from + 7 * 24 * HOUR;
    const hours = (_asset: string, f: number, t: number) => {
      const out = [];
      for (let ts = Math.max(f, from); ts < t; ts += HOUR) out.push({ ts, open: 2400, high: 2410, low: 2390, close: 2400 });
      return out;
    };
    const proposal = { id: 'p1', asset: 'ETH', level: 2000, createdAt: from + 50 * HOUR, proposer: { id: 'u1', name: 'ann' }, status: 'open' } as never;
    const d = weeklyDigest({
      chat: 'telegram:1', from, to, testingPct: 0.5,
      items: [{ asset: 'ETH', level: 2000, since: from + 50 * HOUR, proposal, watched: false }],
      bars: hours,
      liquidations: () => [],
    });
    expect(d.readFromSet).toEqual({ set: false, proposed: true });
    expect(footer(replyText(digestReply(d)))).toBe('Read on hourly closes, each level from when it was proposed, Apr 9 02:00 – Apr 14 00:00 UTC (the bot’s prices go back to Apr 7 00:00)');
  });
});

describe('the digest’s times across a daylight-saving change', () => {
  afterEach(() => setTimeZone('UTC'));

  // Real Binance 15m candles Mar 25–31 2025 and the kit's levels; Berlin went from CET to CEST on Sunday Mar 30.
  const MAR = 'fixtures/binance-2025-03-early-levels-15m.real.jsonl';

  it('the breaks of Mar 28 (CET) under a footer in CEST name their zone, as /levels does', async () => {
    setTimeZone('Europe/Berlin');
    const run = await runFile(MAR, config);
    const btcLost = run.alerts.filter((a): a is LevelBreak => a.kind === 'level_break' && a.asset === 'BTC' && a.direction === 'down' && !a.reclaim);
    expect(btcLost.map((a) => a.ts)).toContain(at('2025-03-28T08:00:00Z')); // 09:00 CET
    // The week that ended Monday Mar 31 00:00 CEST, as it is posted.
    const turn = weekStart(run.market.clock);
    expect(turn).toBe(at('2025-03-30T22:00:00Z'));
    const posted = replyText(digestReply(postedDigest(run.market, store, 'telegram:1', turn, config.levels.testingPct)));
    expect(posted).toMatch(/^BTC \$85,478\.3 prior 3-day low .*lost Mar 28 09:00 CET at /m);
    expect(posted).toMatch(/^BTC \$85,000 round number below price lost Mar 28 15:15 CET at /m);
    // The kit's levels were set Mar 27 00:00 UTC, two days after the prices begin: read from then, and said so.
    expect(footer(posted)).toBe('Breaks as the level alerts told them · read on hourly closes, each level from when it was set, Mar 27 01:00 CET – Mar 31 00:00 CEST (the bot’s prices go back to Mar 25 01:00 CET)');
    expect(posted).not.toMatch(/Mar 28 \d\d:\d\d(?! CET)/);
    // `/level digest` the next morning: the week so far, its levels lost the week before.
    const soFar = replyText(digestReply(chatDigest(run.market, store, 'telegram:1', run.market.clock, config.levels.testingPct, 'BTC')));
    expect(soFar).toContain('BTC $85,478.3 prior 3-day low (2025-03-24 01:55 UTC) · not tested this week (lost Mar 28 09:00 CET)');
    expect(soFar).toContain('(lost Mar 28 15:15 CET)');
    expect(footer(soFar)).toBe('Read on hourly closes, Mar 31 00:00 – Mar 31 02:00 CEST (the price data the bot has)');
    // /levels tells the same moments the same way.
    const levels = run.market.levelStatus('BTC');
    expect(levels.levels.some((l) => l.lastBreak?.ts === at('2025-03-28T08:00:00Z'))).toBe(true);
  });

  it('without price data the footer still names the zone the lines’ times are in', () => {
    setTimeZone('Europe/Berlin');
    const to = at('2025-03-30T22:00:00Z');
    const d = weeklyDigest({
      chat: 'telegram:1', from: to - 167 * HOUR, to, testingPct: 0.5,
      items: [{ asset: 'BTC', level: 85_000, since: 0, watched: true, told: [], toldBefore: { ts: at('2025-03-21T14:15:00Z'), direction: 'down', undid: false } }],
      bars: () => [],
      liquidations: () => [],
    });
    const text = replyText(digestReply(d));
    expect(text).toContain('not tested this week (lost Mar 21 15:15 CET)');
    expect(footer(text)).toBe('No price data this week · 2025-03-31 00:00 CEST');
  });
});
