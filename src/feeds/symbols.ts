/**
 * From a trader's asset (`eth`) to the perpetual swaps an exchange lists for it: the USDT- and
 * USDC-margined linear contracts and the coin-margined inverse one. Liquidations of all of them are
 * summed for the asset, so the feeds subscribe to every one.
 */

/** The part of a ccxt market the feeds rely on. */
export interface MarketLike {
  id: string;
  symbol: string;
  base: string;
  quote: string;
  settle?: string | undefined;
  type?: string | undefined;
  swap?: boolean | undefined;
  linear?: boolean | undefined;
  inverse?: boolean | undefined;
  active?: boolean | undefined;
  contractSize?: number | undefined;
  expiry?: number | undefined;
}

export type Markets = Readonly<Record<string, MarketLike>>;

const LINEAR_SETTLE = ['USDT', 'USDC'] as const;
/** Deribit lists its perpetuals as expiring on 3000-01-01: an expiry that far out is none. */
const NEVER = Date.UTC(2999, 0, 1);

/** 0 = USDT-margined, 1 = USDC-margined, 2 = inverse (coin-margined, USD contracts); undefined = not one we follow. */
function rank(m: MarketLike): number | undefined {
  if (!(m.swap ?? m.type === 'swap') || (m.expiry && m.expiry < NEVER)) return undefined;
  if (m.linear) {
    const i = (LINEAR_SETTLE as readonly string[]).indexOf(m.settle ?? m.quote);
    return i === -1 ? undefined : i;
  }
  if (m.inverse && m.quote === 'USD' && (m.settle ?? m.base) === m.base) return 2;
  return undefined;
}

/** Whether liqbot follows this market: a listed perpetual swap, USDT- or USDC-margined or coin-margined (inverse). */
export function isFollowedPerpetual(m: MarketLike): boolean {
  return m.active !== false && rank(m) !== undefined;
}

/**
 * The perpetual swap symbols of `asset` on one exchange, USDT first, then USDC, then inverse
 * (e.g. `ETH` → `ETH/USDT:USDT`, `ETH/USDC:USDC`, `ETH/USD:ETH`). Inactive markets are left out.
 */
export function perpetualSymbols(markets: Markets, asset: string): string[] {
  const base = asset.toUpperCase();
  return Object.values(markets)
    .filter((m) => m.base.toUpperCase() === base && isFollowedPerpetual(m))
    .sort((a, b) => rank(a)! - rank(b)! || a.symbol.localeCompare(b.symbol))
    .map((m) => m.symbol);
}

/** `perpetualSymbols` for every exchange whose markets are loaded: exchange → symbols. */
export function perpetualSymbolsByExchange(marketsByExchange: Readonly<Record<string, Markets>>, asset: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [exchange, markets] of Object.entries(marketsByExchange)) out[exchange] = perpetualSymbols(markets, asset);
  return out;
}

/** The one contract per asset that prices are taken from: the most liquid kind listed (USDT, else USDC, else inverse). */
export function priceSymbol(markets: Markets, asset: string): string | undefined {
  return perpetualSymbols(markets, asset)[0];
}

/** Only what the feeds follow (perpetual swaps), keyed by symbol. */
export function swapsOnly(markets: Iterable<MarketLike>): Record<string, MarketLike> {
  const out: Record<string, MarketLike> = {};
  for (const m of markets) if (m.swap ?? m.type === 'swap') out[m.symbol] = m;
  return out;
}
