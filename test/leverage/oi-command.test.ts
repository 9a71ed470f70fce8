/**
 * `/oi <asset> [window]` on the bundled day: open interest and its change, funding annualized, each venue,
 * and the estimated liquidation map, always labelled an estimate. Mistakes get a sentence.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { oi } from '../../commands/oi.js';
import type { CommandContext } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import { replyText, type Reply } from '../../src/replies/reply.js';
import { runFile } from '../../src/offline.js';
import { createServices, type Services } from '../../src/service.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { BUNDLED, cli, writeEvents } from '../helpers.js';

let services: Services;
beforeAll(async () => {
  const run = await runFile(BUNDLED, loadConfig());
  services = createServices({ config: loadConfig(), market: run.market, store: createMemoryStore(), now: () => run.market.clock });
});

const ctx = (): CommandContext => ({ chat: { key: 'terminal:local', platform: 'terminal', kind: 'terminal' }, user: { id: 'u1' }, isAdmin: false, now: services.now(), services });
const say = async (asset?: string, window?: string): Promise<Reply> => oi.run(ctx(), { values: { asset, window } });

describe('/oi', () => {
  it('shows open interest, its change, funding and every venue for an asset', async () => {
    const r = await say('eth');
    const t = replyText(r);
    console.log(`\n/oi eth on the bundled day:\n${t}`);
    expect(t).toContain('ETH open interest · 24h');
    expect(t).toContain('Open interest $21.9B across 4 venues · −11% (−$2.7B) in 24h');
    expect(t).toContain('Funding +6.2% APR, neutral (was +31%, hot)');
    expect(t).toContain('Most open interest on Binance (40%)');
    expect(t).toMatch(/By exchange\nBinance \$8\.72B · 40%/);
    expect(t).toMatch(/Liquidation map \(estimate\)\n≈ \$\d+(\.\d)?M of short liquidations estimated between \$3,\d{3} and \$3,\d{3}/);
    expect(t).toContain('Estimate from open interest and common leverage, not exchange data');
    expect(t).toContain('SYNTHETIC demo data');
    expect(r.buttons?.find((b) => b.active)).toMatchObject({ label: '24h', command: 'oi ETH 24h' });
  });

  it('takes a window', async () => {
    const r = await say('ETH', '4h');
    expect(replyText(r)).toContain('ETH open interest · 4h');
    expect(r.buttons?.find((b) => b.active)?.label).toBe('4h');
  });

  it('says so when an asset has no open interest yet, and corrects a typo', async () => {
    // A data file holds none and never will: no "yet" before saying so.
    const none = replyText(await say('btc'));
    expect(none).toContain('The data holds no open interest or funding for BTC.');
    expect(none).not.toContain('yet');
    const typo = await say('etj');
    expect(typo).toMatchObject({ tone: 'error', ephemeral: true });
    expect(replyText(typo)).toContain('Did you mean ETH?');
    // Any window from 5m to 7d; another word is corrected.
    expect(replyText(await say('eth', '3h'))).toContain('ETH open interest · 3h');
    expect(replyText(await say('eth', '3x'))).toContain('Use one of 1h, 4h, 12h, 24h, 7d, or any from 5m to 7d');
  });

  it('a file with funding and no open interest says that only funding is known', async () => {
    const t0 = Date.UTC(2024, 7, 5, 0);
    const funding = [0, 8, 16].map((h) => ({ type: 'funding', ts: t0 + h * 3_600_000, exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT', rate: 0.000044, intervalHours: 8 }));
    const r = await cli('oi', 'btc', '--data', writeEvents(funding), '--at', '2024-08-05T18:00:00Z');
    expect(r.out).toContain('No open interest for BTC: only its funding is known.\nFunding +4.8% APR');
  });
});
