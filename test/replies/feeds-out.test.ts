/**
 * An empty /liqs window with feeds out says so once: in its body, which a trader reads first, not again in the
 * footer; a window with figures says a feed that is out in its footer. Each platform shows it once too.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/load.js';
import type { FeedHealth } from '../../src/core/coverage.js';
import { Market } from '../../src/core/market.js';
import { replyText } from '../../src/replies/reply.js';
import { marketReply, summaryReply } from '../../src/replies/summary.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { renderMessages } from '../../src/adapters/telegram/render.js';
import { toDiscordMessage } from '../../src/adapters/discord/render.js';

const T = Date.UTC(2026, 10, 2, 12, 0);
const H = 3_600_000;
const M = 60_000;
const feed = (exchange: string, state: FeedHealth['state'], since: number): FeedHealth => ({ exchange, stream: 'liquidations', state, since, sampled: false });

function market(feeds: FeedHealth[]): Market {
  const m = new Market(buildConfig({ exchanges: ['binanceusdm', 'bybit', 'okx', 'gate'], assets: ['ETH'] }));
  for (const f of feeds) m.feeds.update(f);
  m.catchUp(T);
  return m;
}

/** How often a reply's text says a feed is out ("unreachable", "down since", "connecting"). */
function outSaid(text: string): number {
  return text.match(/unreachable|down since|connecting/g)?.length ?? 0;
}

function footer(text: string): string {
  return text.trim().split('\n').at(-1)!;
}

describe('an empty window with every feed down', () => {
  const allDown = () => market([feed('binanceusdm', 'down', T - 2 * H), feed('bybit', 'down', T - 3 * H), feed('okx', 'down', T - H - 13 * M), feed('gate', 'down', T - 2 * H)]);

  it('says the exchanges are unreachable once, in the body; the footer keeps only the time', () => {
    const t = replyText(summaryReply(allDown().summary('ETH', '1h', H, T), ['1h', '24h']));
    expect(t).toBe('ETH liquidations · 1h\n\nNo liquidation data: all 4 exchanges unreachable since 10:47.\n\n2026-11-02 12:00 UTC');
  });

  it('the market-wide view says it once too', () => {
    const t = replyText(marketReply(allDown().marketSummary('1h', H, T), ['1h']));
    expect(t).toContain('No liquidation data: all 4 exchanges unreachable since 10:47.');
    expect(outSaid(t)).toBe(1);
    expect(footer(t)).toBe('2026-11-02 12:00 UTC');
  });

  it('the terminal, Telegram and Discord each show it once', () => {
    const r = summaryReply(allDown().summary('ETH', '1h', H, T), ['1h']);
    expect(outSaid(renderTerminal(r))).toBe(1);
    expect(outSaid(renderMessages(r).join('\n'))).toBe(1);
    expect(outSaid(JSON.stringify(toDiscordMessage(r).embeds))).toBe(1);
  });
});

describe('an empty window with some feeds out', () => {
  it('names who saw nothing and who could not see in the body, and not again in the footer', () => {
    const t = replyText(summaryReply(market([feed('bybit', 'live', T - 5 * H), feed('okx', 'down', T - H)]).summary('ETH', '1h', H, T), ['1h']));
    expect(t).toContain('No ETH liquidations in the last 1h on Bybit; no data from OKX (unreachable since 11:00).');
    expect(outSaid(t)).toBe(1);
  });

  it('while every feed is still connecting says so once', () => {
    const t = replyText(summaryReply(market([feed('bybit', 'connecting', T)]).summary('ETH', '1h', H, T), ['1h']));
    expect(t).toContain('No liquidation data yet: Bybit is still connecting.');
    expect(outSaid(t)).toBe(1);
  });
});

describe('a window with figures', () => {
  it('says a feed that is out in its footer, where nothing else says it', () => {
    const m = market([feed('bybit', 'live', T - 5 * H), feed('okx', 'down', T - 30 * M)]);
    m.ingest({ type: 'liquidation', ts: T - 10 * M, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3_000, amount: 1, usd: 3_000 });
    const t = replyText(summaryReply(m.summary('ETH', '1h', H, T), ['1h']));
    expect(footer(t)).toContain('OKX down since 11:30');
    expect(outSaid(t)).toBe(1);
  });

  it('names feeds that went down the same minute together, the longest out first', () => {
    const m = market([feed('binanceusdm', 'down', T - 2 * H), feed('bybit', 'live', T - 5 * H), feed('okx', 'down', T - H - 13 * M), feed('gate', 'down', T - 2 * H)]);
    m.ingest({ type: 'liquidation', ts: T - 10 * M, exchange: 'bybit', symbol: 'ETH/USDT:USDT', side: 'long', price: 3_000, amount: 1, usd: 3_000 });
    expect(footer(replyText(summaryReply(m.summary('ETH', '24h', 24 * H, T), ['24h'])))).toContain('Binance, Gate down since 10:00; OKX down since 10:47');
  });
});
