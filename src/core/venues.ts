/**
 * What the core knows about venues: which public liquidation streams are sampled
 * (Binance pushes at most one liquidation per symbol per second, OKX one per contract per second), so
 * their amounts are lower bounds. Bybit's allLiquidation and Lighter's trade streams push every liquidation;
 * Gate, HTX and Bitfinex are polled from their complete public histories.
 */

const SAMPLED = new Set(['binance', 'binanceusdm', 'binancecoinm', 'okx']);

export function isSampled(exchange: string): boolean {
  return SAMPLED.has(exchange);
}

/**
 * Venues whose liquidation price is the bankruptcy price, not where the order filled (OKX's `bkPx`, HTX's
 * `bankrupt_price`, Bybit's allLiquidation `p`): beyond any trade, so never a price the market traded at. Binance's
 * average fill, Gate's fill price, Bitfinex's acquired price and Lighter's and Deribit's trades are fills.
 */
const BANKRUPTCY_PRICED = new Set(['okx', 'htx', 'bybit']);

export function isFillPriced(exchange: string): boolean {
  return !BANKRUPTCY_PRICED.has(exchange);
}

/** One name per venue: Binance's USD-M and COIN-M streams and a vendor's "binance" are one venue. */
export function venueKey(exchange: string): string {
  return exchange.startsWith('binance') ? 'binance' : exchange === 'gateio' ? 'gate' : exchange;
}
