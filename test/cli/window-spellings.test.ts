/**
 * `--window` reads the spec's windows as a chat reads them (`/liqs eth 24 h`, `60m`, `1440m`, `168h`): a length that is
 * one of the spec's windows is that window, answered as it; a length outside the set is refused in one line, as before.
 */
import { describe, expect, it } from 'vitest';
import { DAY0, cli, writeEvents } from '../helpers.js';

const print = (ts: number) => ({ type: 'liquidation', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', side: 'long', price: 100, amount: 100, usd: 10_000 });
const oi = (ts: number) => ({ type: 'open_interest', ts, exchange: 'bybit', symbol: 'BTC/USDT:USDT', usd: 5e9 });

describe('--window typed as a chat types it', () => {
  const file = writeEvents([print(DAY0), oi(DAY0)]);

  it('is the spec window of that length, whatever its spelling; another length is refused in one line', async () => {
    for (const [typed, window] of [
      ['24 h', '24h'], ['24hrs', '24h'], ['1 day', '24h'], ['1440m', '24h'], ['60m', '1h'], ['60 minutes', '1h'],
      ['720m', '12h'], ['0.5d', '12h'], ['4 hours', '4h'], ['240m', '4h'], ['168h', '7d'], ['10080m', '7d'], ['1 week', '7d'],
    ] as const) {
      const r = await cli('liqs', 'btc', '--data', file, '--window', typed, '--json');
      expect({ typed, code: r.code, err: r.err, window: (JSON.parse(r.out || '{}') as { window?: string }).window }).toEqual({ typed, code: 0, err: '', window });
    }
    const r = await cli('oi', 'btc', '--data', file, '--window', '24 h', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ window: '24h' });
    // A length outside the spec's set is refused in one line naming the set, a chat's window said as the chat says it.
    expect(await cli('liqs', 'btc', '--data', file, '--window', '2 h')).toEqual({
      code: 2,
      out: '',
      err: 'liqbot: --window "2 h": the offline commands take 1h, 4h, 12h, 24h or 7d, the windows of the shared spec (docs/events.md); a chat takes any from 5m to 7d, 2h too',
    });
    expect(await cli('oi', 'btc', '--data', file, '--window', '90m')).toMatchObject({ code: 2, err: expect.stringMatching(/^liqbot: --window "90m": the offline commands take 1h, 4h, 12h, 24h or 7d, .*, 90m too$/) });
    expect(await cli('liqs', 'btc', '--data', file, '--window', '8d')).toEqual({ code: 2, out: '', err: 'liqbot: --window "8d": the offline commands take 1h, 4h, 12h, 24h or 7d' });
  });
});
