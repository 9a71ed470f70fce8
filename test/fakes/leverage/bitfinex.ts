/**
 * Bitfinex public REST, as documented: `/v2/status/deriv?keys=tBTCF0:USTF0,…` gives one list per key:
 * `[KEY, MTS, _, DERIV_PRICE, SPOT_PRICE, _, INSURANCE_FUND_BALANCE, _, NEXT_FUNDING_EVT_MTS,
 * NEXT_FUNDING_ACCRUED, NEXT_FUNDING_STEP, _, CURRENT_FUNDING, _, _, MARK_PRICE, _, _, OPEN_INTEREST, _, _, _,
 * CLAMP_MIN, CLAMP_MAX]`: open interest in coins (one coin per contract), funding per 8 hours. An unknown key
 * is left out of the answer.
 */
import { FakeRestServer, type Routes } from './server.js';

const T = 1_769_860_000_000;

const routes: Routes = (path, q, book) => {
  if (path !== '/v2/status/deriv') return undefined;
  const keys = (q.get('keys') ?? '').split(',').filter(Boolean);
  return {
    body: keys.flatMap((key) => {
      const c = book.get(key);
      if (!c) return [];
      return [[key, T, null, c.markPrice, c.markPrice, null, 37_671_483.04, null, T + 3_600_000, c.fundingRate / 2, 317, null, c.fundingRate, null, null, c.markPrice, null, null, c.openInterest, null, null, null, 0.0005, 0.0025]];
    }),
  };
};

export const startBitfinex = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
