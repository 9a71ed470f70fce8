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

/** One name per venue: Binance's USD-M and COIN-M streams and a vendor's "binance" are one venue. */
export function venueKey(exchange: string): string {
  return exchange.startsWith('binance') ? 'binance' : exchange === 'gateio' ? 'gate' : exchange;
}
