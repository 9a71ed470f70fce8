/**
 * Binance futures public REST, as documented: USDⓈ-M under /fapi/v1, COIN-M under /dapi/v1.
 * `openInterest` is in coins on USDⓈ-M and in contracts on COIN-M (100 USD for BTC, 10 for others);
 * `premiumIndex` carries the mark price and `lastFundingRate` (COIN-M answers with a list);
 * `fundingInfo` lists only the symbols whose funding interval is not 8 h. Unknown symbols get -1121.
 */
import { FakeRestServer, type Answer, type FakeContract, type Routes } from './server.js';

const T = 1_769_860_000_000;
const invalid: Answer = { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };

function routes(prefix: '/fapi/v1' | '/dapi/v1'): Routes {
  const coinm = prefix === '/dapi/v1';
  return (path, q, book) => {
    if (path === `${prefix}/fundingInfo`) {
      return {
        body: [...book]
          .filter(([, c]) => (c.intervalHours ?? 8) !== 8)
          .map(([symbol, c]) => ({ symbol, adjustedFundingRateCap: '0.02', adjustedFundingRateFloor: '-0.02', fundingIntervalHours: c.intervalHours, disclaimer: false })),
      };
    }
    const symbol = q.get('symbol') ?? '';
    const c: FakeContract | undefined = book.get(symbol);
    if (path === `${prefix}/openInterest`) {
      if (!c) return invalid;
      return {
        body: coinm
          ? { symbol, pair: symbol.replace('_PERP', ''), openInterest: String(c.openInterest), contractType: 'PERPETUAL', time: T }
          : { symbol, openInterest: String(c.openInterest), time: T },
      };
    }
    if (path === `${prefix}/premiumIndex`) {
      if (!c) return invalid;
      const row = {
        symbol,
        ...(coinm ? { pair: symbol.replace('_PERP', '') } : {}),
        markPrice: String(c.markPrice),
        indexPrice: String(c.markPrice * 0.9998),
        estimatedSettlePrice: String(c.markPrice),
        lastFundingRate: String(c.fundingRate),
        interestRate: '0.00010000',
        nextFundingTime: T + 3_600_000,
        time: T,
      };
      return { body: coinm ? [row] : row };
    }
    return undefined;
  };
}

export const startBinanceUsdm = (): Promise<FakeRestServer> => FakeRestServer.start(routes('/fapi/v1'));
export const startBinanceCoinm = (): Promise<FakeRestServer> => FakeRestServer.start(routes('/dapi/v1'));
