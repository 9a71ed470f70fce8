/**
 * Gate USDT-M public REST, as documented: `/api/v4/futures/usdt/contract_stats?contract&interval=5m&limit`
 * gives 5-minute points `[{time (s), open_interest (contracts), open_interest_usd, mark_price, …}]` (Gate has no
 * current open-interest endpoint); `/api/v4/futures/usdt/contracts/{contract}` gives the contract with
 * `funding_rate`, `funding_interval` (seconds), `mark_price` and `quanto_multiplier` (coins per contract).
 * Unknown contracts: 400 `{label: "CONTRACT_NOT_FOUND"}`.
 */
import { FakeRestServer, type Routes } from './server.js';

const T_S = 1_769_860_000;

/** Coins per contract (`quanto_multiplier`, ccxt's contractSize). */
export const GATE_CONTRACT: Record<string, number> = { BTC_USDT: 0.0001, ETH_USDT: 0.01, SOL_USDT: 1 };

const notFound = { status: 400, body: { label: 'CONTRACT_NOT_FOUND', message: 'Contract not found' } };

const routes: Routes = (path, q, book) => {
  if (path === '/api/v4/futures/usdt/contract_stats') {
    const name = q.get('contract') ?? '';
    const c = book.get(name);
    if (!c) return notFound;
    const contracts = c.openInterest;
    const usd = contracts * GATE_CONTRACT[name]! * c.markPrice;
    // Newest last, as Gate lists them; an older point first, so the newest must be picked.
    return {
      body: [
        { time: T_S - 300, open_interest: contracts / 2, open_interest_usd: String(usd / 2), mark_price: String(c.markPrice), lsr_taker: '1', long_liq_size: 0, short_liq_size: 0 },
        { time: T_S, open_interest: contracts, open_interest_usd: String(usd), mark_price: String(c.markPrice), lsr_taker: '1', long_liq_size: 0, short_liq_size: 0 },
      ].slice(-Number(q.get('limit') ?? 100)),
    };
  }
  const m = /^\/api\/v4\/futures\/usdt\/contracts\/([^/]+)$/.exec(path);
  if (m) {
    const name = decodeURIComponent(m[1]!);
    const c = book.get(name);
    if (!c) return notFound;
    return {
      body: {
        name,
        type: 'direct',
        quanto_multiplier: String(GATE_CONTRACT[name]),
        mark_price: String(c.markPrice),
        index_price: String(c.markPrice),
        last_price: String(c.markPrice),
        funding_rate: String(c.fundingRate),
        funding_rate_indicative: String(c.fundingRate),
        funding_interval: (c.intervalHours ?? 8) * 3600,
        funding_next_apply: T_S + 3600,
        maintenance_rate: '0.005',
        in_delisting: false,
      },
    };
  }
  return undefined;
};

export const startGate = (): Promise<FakeRestServer> => FakeRestServer.start(routes);
