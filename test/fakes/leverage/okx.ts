/**
 * OKX v5 public REST, as documented: `/api/v5/public/open-interest?instType=SWAP&instId` gives `oi` in
 * contracts (ctVal: 0.1 ETH for ETH-USDT-SWAP, 10 USD for ETH-USD-SWAP), `oiCcy` in coins and `oiUsd`;
 * `/api/v5/public/funding-rate?instId` gives the rate and the current and next funding times (their
 * difference is the interval); `/api/v5/public/mark-price?instId` gives `markPx`. Unknown instruments: 51001.
 */
import { FakeRestServer, type Routes } from './server.js';

const T = 1_769_860_000_000;

/** Contract values of the instruments the tests use (ccxt's contractSize). */
export const OKX_CT_VAL: Record<string, { value: number; inverse: boolean }> = {
  'BTC-USDT-SWAP': { value: 0.01, inverse: false },
  'ETH-USDT-SWAP': { value: 0.1, inverse: false },
  'BTC-USD-SWAP': { value: 100, inverse: true },
  'ETH-USD-SWAP': { value: 10, inverse: true },
};

const routes: Routes = (path, q, book) => {
  const instId = q.get('instId') ?? '';
  const c = book.get(instId);
  const ok = (row: Record<string, unknown>) => ({ body: { code: '0', msg: '', data: [row] } });
  if (!c && path.startsWith('/api/v5/public/')) return { body: { code: '51001', msg: "Instrument ID doesn't exist.", data: [] } };
  if (path === '/api/v5/public/open-interest') {
    const ct = OKX_CT_VAL[instId]!;
    const usd = ct.inverse ? c!.openInterest * ct.value : c!.openInterest * ct.value * c!.markPrice;
    return ok({ instId, instType: 'SWAP', oi: String(c!.openInterest), oiCcy: String(usd / c!.markPrice), oiUsd: String(usd), ts: String(T) });
  }
  if (path === '/api/v5/public/funding-rate') {
    const next = T + 3_600_000;
    const hours = c!.intervalHours ?? 8;
    return ok({
      instId,
      instType: 'SWAP',
      fundingRate: String(c!.fundingRate),
      fundingTime: String(next),
      nextFundingTime: String(next + hours * 3_600_000),
      nextFundingRate: '',
      method: 'current_period',
      ts: String(T),
    });
  }
  if (path === '/api/v5/public/mark-price') return ok({ instId, instType: 'SWAP', markPx: String(c!.markPrice), ts: String(T) });
  return undefined;
};

export const startOkx = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
