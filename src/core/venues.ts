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
 * The UTC day Binance's liquidation streams began pushing a sample (at most one order per symbol per second): its
 * figures before it, ours or a vendor's built on the stream, counted every order, and are no measure of a day after.
 * The data's own break: Coinglass's Binance daily totals (BTC, ETH, SOL, XRP, both sides) fall from $342M on
 * 2021-04-26 to $89M on 2021-04-27, and their median day from $211M over the 90 days before to $37M over the 90 from
 * it (BTC longs: Apr 23 $379M, Apr 26 $55M, Apr 27 $17.5M), the steepest step of any day in their four years (a
 * week's median before against the week's from it, ×5.4 over the eight series).
 */
export const BINANCE_SAMPLED_SINCE = Date.UTC(2021, 3, 27);

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
