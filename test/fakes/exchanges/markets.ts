/**
 * Market lists as ccxt builds them from each exchange's instruments endpoint (the fields the feeds and ccxt's
 * stream code use), so tests can preset markets and make no REST call. Contract sizes are the exchanges' own:
 * Binance COIN-M BTC 100 USD / others 10 USD, OKX BTC-USDT-SWAP 0.01 BTC, BTC-USD-SWAP 100 USD, Bybit 1.
 */

export interface FixtureMarket {
  id: string;
  lowercaseId?: string;
  symbol: string;
  base: string;
  quote: string;
  settle: string;
  baseId: string;
  quoteId: string;
  settleId: string;
  type: 'swap' | 'future' | 'spot';
  spot: boolean;
  margin: boolean;
  swap: boolean;
  future: boolean;
  option: boolean;
  active: boolean;
  contract: boolean;
  linear: boolean | undefined;
  inverse: boolean | undefined;
  contractSize: number | undefined;
  expiry: number | undefined;
  expiryDatetime: string | undefined;
  precision: { amount: number; price: number };
  limits: Record<string, { min?: number; max?: number }>;
  info: Record<string, unknown>;
}

interface Spec {
  id: string;
  base: string;
  quote: string;
  settle?: string;
  inverse?: boolean;
  contractSize?: number;
  type?: 'swap' | 'future' | 'spot';
  expiry?: number;
  active?: boolean;
}

function market(s: Spec): FixtureMarket {
  const type = s.type ?? 'swap';
  const contract = type !== 'spot';
  const settle = s.settle ?? (s.inverse ? s.base : s.quote);
  const expiry = s.expiry;
  const suffix = contract ? `:${settle}${expiry ? `-${new Date(expiry).toISOString().slice(2, 10).replace(/-/g, '')}` : ''}` : '';
  return {
    id: s.id,
    lowercaseId: s.id.toLowerCase(),
    symbol: `${s.base}/${s.quote}${suffix}`,
    base: s.base,
    quote: s.quote,
    settle,
    baseId: s.base,
    quoteId: s.quote,
    settleId: settle,
    type,
    spot: type === 'spot',
    margin: false,
    swap: type === 'swap',
    future: type === 'future',
    option: false,
    active: s.active ?? true,
    contract,
    linear: contract ? !s.inverse : undefined,
    inverse: contract ? !!s.inverse : undefined,
    contractSize: contract ? (s.contractSize ?? 1) : undefined,
    expiry,
    expiryDatetime: expiry ? new Date(expiry).toISOString() : undefined,
    precision: { amount: 0.001, price: 0.1 },
    limits: { amount: { min: 0.001 }, price: {}, cost: {}, leverage: {} },
    info: { symbol: s.id },
  };
}

const byList = (specs: Spec[]): Record<string, FixtureMarket> => Object.fromEntries(specs.map(market).map((m) => [m.symbol, m]));

const DEC_2026 = Date.UTC(2026, 11, 25, 8);

export const BINANCE_USDM_MARKETS = byList([
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
  { id: 'BTCUSDC', base: 'BTC', quote: 'USDC' },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
  { id: 'ETHUSDC', base: 'ETH', quote: 'USDC' },
  { id: 'SOLUSDT', base: 'SOL', quote: 'USDT' },
  { id: '1000PEPEUSDT', base: '1000PEPE', quote: 'USDT' },
  { id: 'LUNAUSDT', base: 'LUNA', quote: 'USDT', active: false },
  { id: 'BTCUSDT_261225', base: 'BTC', quote: 'USDT', type: 'future', expiry: DEC_2026 },
]);

export const BINANCE_COINM_MARKETS = byList([
  { id: 'BTCUSD_PERP', base: 'BTC', quote: 'USD', inverse: true, contractSize: 100 },
  { id: 'ETHUSD_PERP', base: 'ETH', quote: 'USD', inverse: true, contractSize: 10 },
  { id: 'ADAUSD_PERP', base: 'ADA', quote: 'USD', inverse: true, contractSize: 10 },
  { id: 'BTCUSD_261225', base: 'BTC', quote: 'USD', inverse: true, contractSize: 100, type: 'future', expiry: DEC_2026 },
]);

export const BYBIT_MARKETS = byList([
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', type: 'spot' },
  { id: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
  { id: 'BTCPERP', base: 'BTC', quote: 'USDC' },
  { id: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
  { id: 'ETHPERP', base: 'ETH', quote: 'USDC' },
  // ccxt sets an inverse market's contractSize to its minimum order quantity.
  { id: 'BTCUSD', base: 'BTC', quote: 'USD', inverse: true, contractSize: 1 },
  { id: 'ETHUSD', base: 'ETH', quote: 'USD', inverse: true, contractSize: 1 },
  { id: 'XRPUSD', base: 'XRP', quote: 'USD', inverse: true, contractSize: 1, active: false },
]);

export const OKX_MARKETS = byList([
  { id: 'BTC-USDT-SWAP', base: 'BTC', quote: 'USDT', contractSize: 0.01 },
  { id: 'BTC-USDC-SWAP', base: 'BTC', quote: 'USDC', contractSize: 0.0001 },
  { id: 'ETH-USDT-SWAP', base: 'ETH', quote: 'USDT', contractSize: 0.1 },
  { id: 'SOL-USDT-SWAP', base: 'SOL', quote: 'USDT', contractSize: 1 },
  { id: 'PEPE-USDT-SWAP', base: 'PEPE', quote: 'USDT', contractSize: 10_000_000 },
  { id: 'AVAX-USD-SWAP', base: 'AVAX', quote: 'USD', inverse: true, contractSize: 10 },
  { id: 'LUNA-USDT-SWAP', base: 'LUNA', quote: 'USDT', contractSize: 1, active: false },
  { id: 'BTC-USD-SWAP', base: 'BTC', quote: 'USD', inverse: true, contractSize: 100 },
  { id: 'ETH-USD-SWAP', base: 'ETH', quote: 'USD', inverse: true, contractSize: 10 },
  { id: 'BTC-USD-261225', base: 'BTC', quote: 'USD', inverse: true, contractSize: 100, type: 'future', expiry: DEC_2026 },
]);

/** Gate USDT perpetuals: a contract is `quanto_multiplier` coins (0.0001 BTC, 0.01 ETH); ccxt keeps the settle id in lower case (`usdt`, the URL's). */
export const GATE_MARKETS = Object.fromEntries(
  Object.entries(
    byList([
      { id: 'BTC_USDT', base: 'BTC', quote: 'USDT', contractSize: 0.0001 },
      { id: 'ETH_USDT', base: 'ETH', quote: 'USDT', contractSize: 0.01 },
      { id: 'SOL_USDT', base: 'SOL', quote: 'USDT', contractSize: 1 },
    ]),
  ).map(([symbol, m]) => [symbol, { ...m, settleId: 'usdt' }]),
);

/** HTX USDT perpetuals: a contract is 0.001 BTC / 0.01 ETH (the history's `amount` is in coins anyway). */
export const HTX_MARKETS = byList([
  { id: 'BTC-USDT', base: 'BTC', quote: 'USDT', contractSize: 0.001 },
  { id: 'ETH-USDT', base: 'ETH', quote: 'USDT', contractSize: 0.01 },
]);

/** Bitfinex perpetuals: `tBTCF0:USTF0`, one coin per unit. */
export const BITFINEX_MARKETS = byList([
  { id: 'tBTCF0:USTF0', base: 'BTC', quote: 'USDT', contractSize: 1 },
  { id: 'tETHF0:USTF0', base: 'ETH', quote: 'USDT', contractSize: 1 },
  { id: 'tSOLF0:USTF0', base: 'SOL', quote: 'USDT', contractSize: 1 },
]);

/** Lighter perpetuals: numeric market ids (ETH is 0, BTC 1), USDC-settled. */
export const LIGHTER_MARKETS = byList([
  { id: '0', base: 'ETH', quote: 'USDC', contractSize: 1 },
  { id: '1', base: 'BTC', quote: 'USDC', contractSize: 1 },
  { id: '2', base: 'SOL', quote: 'USDC', contractSize: 1 },
]);

/** Deribit lists a perpetual as expiring on 3000-01-01 (`expiration_timestamp` 32503708800000), as ccxt keeps it. */
const DERIBIT_PERPETUAL = 32_503_708_800_000;
const perpetual = (s: Spec): [string, FixtureMarket] => {
  const m = { ...market(s), expiry: DERIBIT_PERPETUAL, expiryDatetime: new Date(DERIBIT_PERPETUAL).toISOString() };
  return [m.symbol, m];
};

/** Deribit: inverse `BTC-PERPETUAL` (10 USD contracts), USDC-margined linear perpetuals, and a dated future. */
export const DERIBIT_MARKETS = {
  ...Object.fromEntries([
    perpetual({ id: 'BTC-PERPETUAL', base: 'BTC', quote: 'USD', inverse: true, contractSize: 10 }),
    perpetual({ id: 'ETH-PERPETUAL', base: 'ETH', quote: 'USD', inverse: true, contractSize: 1 }),
    perpetual({ id: 'BTC_USDC-PERPETUAL', base: 'BTC', quote: 'USDC', contractSize: 0.001 }),
    perpetual({ id: 'ETH_USDC-PERPETUAL', base: 'ETH', quote: 'USDC', contractSize: 0.01 }),
  ]),
  ...byList([{ id: 'BTC-25DEC26', base: 'BTC', quote: 'USD', inverse: true, contractSize: 10, type: 'future', expiry: DEC_2026 }]),
};
