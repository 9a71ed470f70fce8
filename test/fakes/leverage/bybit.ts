/**
 * Bybit v5 public REST, as documented: `/v5/market/open-interest?category&symbol&intervalTime` lists
 * 5min…1d points, newest first, in coins for linear and in USD for inverse (one contract = 1 USD);
 * `/v5/market/tickers?category&symbol` carries markPrice, fundingRate and nextFundingTime. Errors come back
 * with HTTP 200 and a non-zero retCode (10001 for an unknown symbol).
 */
import { FakeRestServer, type Routes } from './server.js';

const T = 1_769_860_000_000;

const routes: Routes = (path, q, book) => {
  const symbol = q.get('symbol') ?? '';
  const category = q.get('category') ?? 'linear';
  const c = book.get(symbol);
  const envelope = (result: unknown) => ({ retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: T });
  if (!c && (path === '/v5/market/open-interest' || path === '/v5/market/tickers')) {
    return { body: { retCode: 10001, retMsg: 'params error: symbol invalid', result: {}, retExtInfo: {}, time: T } };
  }
  if (path === '/v5/market/open-interest') {
    return {
      body: envelope({
        symbol,
        category,
        list: [
          { openInterest: String(c!.openInterest), timestamp: String(T) },
          { openInterest: String(c!.openInterest * 0.99), timestamp: String(T - 300_000) },
        ],
        nextPageCursor: '',
      }),
    };
  }
  if (path === '/v5/market/tickers') {
    const value = category === 'inverse' ? c!.openInterest / c!.markPrice : c!.openInterest * c!.markPrice;
    return {
      body: envelope({
        category,
        list: [
          {
            symbol,
            lastPrice: String(c!.markPrice),
            markPrice: String(c!.markPrice),
            indexPrice: String(c!.markPrice),
            openInterest: String(c!.openInterest),
            openInterestValue: String(value),
            fundingRate: String(c!.fundingRate),
            nextFundingTime: String(T + 3_600_000),
            volume24h: '1000',
            turnover24h: '1000000',
          },
        ],
      }),
    };
  }
  return undefined;
};

export const startBybit = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
