/**
 * HTX USDT-M public REST, as documented: `/v5/market/open_interest?contract_code` gives `{code: 200, data:
 * {amount (coins), volume (contracts), value (USDT), contract_code, …}}`; `/v5/market/funding_rate?contract_code`
 * gives `{code: 200, data: [{contract_code, funding_rate, funding_time, next_funding_time}]}`.
 */
import { FakeRestServer, type Routes } from './server.js';

const T = 1_769_860_000_000;

/** Coins per contract (ccxt's contractSize). */
export const HTX_CONTRACT: Record<string, number> = { 'BTC-USDT': 0.001, 'ETH-USDT': 0.01 };

const routes: Routes = (path, q, book) => {
  const code = q.get('contract_code') ?? '';
  const c = book.get(code);
  if (!c && path.startsWith('/v5/market/')) return { body: { code: 1332, message: 'The contract does not exist', data: null, ts: T } };
  if (path === '/v5/market/open_interest') {
    const coins = c!.openInterest;
    return { body: { code: 200, message: 'Success', data: { amount: String(coins), volume: String(coins / HTX_CONTRACT[code]!), value: String(coins * c!.markPrice), contract_code: code }, ts: T } };
  }
  if (path === '/v5/market/funding_rate') {
    const hours = c!.intervalHours ?? 8;
    return { body: { code: 200, message: 'Success', data: [{ contract_code: code, funding_rate: String(c!.fundingRate), funding_time: String(T), next_funding_time: String(T + hours * 3_600_000) }], ts: T } };
  }
  return undefined;
};

export const startHtx = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
