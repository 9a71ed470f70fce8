/**
 * From a trader's asset (`eth`) to the perpetual swaps an exchange lists for it: the USDT- and
 * USDC-margined linear contracts and the coin-margined inverse one. Liquidations of all of them are
 * summed for the asset, so the feeds subscribe to every one. A contract a venue lists on a multiple of a
 * coin (Binance's `1000PEPE`) is a contract of that coin (`PEPE`, as OKX lists it): see `multipliedCoin`.
 */
import { multipliedCoin } from '../core/events.js';

/** The rule is the core's (config refuses a multiplied name as an asset with it). */
export { multipliedCoin };

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
  /** The coin the contract trades when the venue's base is a multiple of it (`PEPE` for `1000PEPE`); set by `swapsOnly`. */
  coin?: string | undefined;
  /** How many of `coin` one unit of the venue's base is (1,000 for `1000PEPE`); set with `coin`. */
  multiplier?: number | undefined;
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
 * The perpetual swap symbols of `asset` on one exchange (markets as `swapsOnly` gives them), USDT first, then USDC,
 * then inverse (e.g. `ETH` → `ETH/USDT:USDT`, `ETH/USDC:USDC`, `ETH/USD:ETH`; `PEPE` → Binance's
 * `1000PEPE/USDT:USDT`). These are the venue's own symbols, to subscribe with. Inactive markets are left out.
 */
export function perpetualSymbols(markets: Markets, asset: string): string[] {
  const coin = asset.toUpperCase();
  return Object.values(markets)
    .filter((m) => coinOf(m).toUpperCase() === coin && isFollowedPerpetual(m))
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

/** The coin a market trades: the venue's base, or the coin a multiplied base stands for. */
export function coinOf(m: MarketLike): string {
  return m.coin ?? m.base;
}

/**
 * The symbol a market's events carry: its own, with a multiplied base replaced by the coin (`1000PEPE/USDT:USDT` →
 * `PEPE/USDT:USDT`; an inverse contract's settle currency too, `1000SHIB/USD:1000SHIB` → `SHIB/USD:SHIB`).
 */
export function coinSymbol(m: MarketLike): string {
  if (m.coin === undefined) return m.symbol;
  const rest = m.symbol.slice(m.base.length);
  return m.coin + (rest.endsWith(`:${m.base}`) ? `${rest.slice(0, -m.base.length)}${m.coin}` : rest);
}

/**
 * Only what the feeds follow (perpetual swaps), keyed by symbol, each with the coin it trades. A multiplied base
 * (`multipliedCoin`) is folded into its coin only when it is the venue's one name for that coin among its active
 * swaps: a venue listing both `PEPE` and `1000PEPE` swaps, or `1000X` and `1000000X`, keeps each name as listed (two
 * contracts would otherwise carry one symbol, and two names may be two coins). Spot markets are not consulted: venues
 * list spot under the plain name (Bybit's `PEPE/USDT`) and under the multiplied one (Binance's `1000SATS/USDT`) alike.
 */
export function swapsOnly(markets: Iterable<MarketLike>): Record<string, MarketLike> {
  const swaps = [...markets].filter((m) => m.swap ?? m.type === 'swap');
  const names = new Map<string, Set<string>>();
  for (const m of swaps) {
    if (m.active === false) continue;
    const coin = multipliedCoin(m.base)?.coin ?? m.base.toUpperCase();
    let set = names.get(coin);
    if (!set) names.set(coin, (set = new Set()));
    set.add(m.base);
  }
  const out: Record<string, MarketLike> = {};
  for (const m of swaps) {
    const folded = multipliedCoin(m.base);
    const sole = folded && names.get(folded.coin);
    if (folded && sole?.size === 1 && sole.has(m.base) && m.symbol.startsWith(`${m.base}/`)) out[m.symbol] = { ...m, ...folded };
    else out[m.symbol] = m.coin === undefined ? m : asListed(m);
  }
  return out;
}

/** A market without the folding a cached list was written with (this list decides it again). */
function asListed(m: MarketLike): MarketLike {
  const listed = { ...m };
  delete listed.coin;
  delete listed.multiplier;
  return listed;
}
