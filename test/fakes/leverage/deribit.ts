/**
 * Deribit public REST (JSON-RPC over GET), as documented:
 * `/api/v2/public/get_book_summary_by_instrument?instrument_name` gives `{result: [{instrument_name,
 * open_interest, mark_price, current_funding, funding_8h, …}]}` where `open_interest` is USD on inverse
 * perpetuals (BTC-PERPETUAL) and coins on linear ones (ETH_USDC-PERPETUAL);
 * `/api/v2/public/get_funding_rate_value?instrument_name&start_timestamp&end_timestamp` gives `{result: rate}`,
 * the funding over the period asked (8 hours when asked by ccxt). Unknown instruments: error 10025.
 */
import { FakeRestServer, type Routes } from './server.js';

const T = 1_769_860_000_000;

const rpc = (result: unknown) => ({ body: { jsonrpc: '2.0', result, usIn: T * 1000, usOut: T * 1000 + 151, usDiff: 151, testnet: false } });
const unknown = { status: 400, body: { jsonrpc: '2.0', error: { message: 'instrument_not_found', code: 10025 }, testnet: false } };

const routes: Routes = (path, q, book) => {
  const name = q.get('instrument_name') ?? '';
  const c = book.get(name);
  if (path === '/api/v2/public/get_book_summary_by_instrument') {
    if (!c) return unknown;
    const [base, quote] = name.includes('_') ? [name.split('_')[0], 'USDC'] : [name.split('-')[0], 'USD'];
    return rpc([{ instrument_name: name, open_interest: c.openInterest, mark_price: c.markPrice, last: c.markPrice, mid_price: c.markPrice, base_currency: base, quote_currency: quote, current_funding: c.fundingRate / 8, funding_8h: c.fundingRate, creation_timestamp: T, volume: 1, volume_usd: 1 }]);
  }
  if (path === '/api/v2/public/get_funding_rate_value') {
    if (!c) return unknown;
    return rpc(c.fundingRate);
  }
  return undefined;
};

export const startDeribit = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
