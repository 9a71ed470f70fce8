/**
 * Exchange-neutral normalization: one liquidation entry, already read by its venue module, becomes a
 * `Liquidation` sized in dollars from the market; one OHLCV row becomes a `Candle`. ccxt leaves
 * contractSize/baseValue/quoteValue empty on liquidations, so the sizing is done here, from the market:
 * linear: base = contracts × contractSize, usd = base × price;
 * inverse: a contract is worth contractSize USD, usd = contracts × contractSize, base = usd / price.
 * A contract on a multiple of a coin (Binance's `1000PEPE`, see symbols.ts) is told in the coin: its events carry the
 * coin's symbol (`PEPE/USDT:USDT`), prices divided and amounts multiplied by the multiplier, dollars unchanged, so they
 * add up with the venues that list the coin itself.
 */
import type { Candle, Liquidation, PositionSide, Timeframe } from '../core/events.js';
import { coinSymbol, type MarketLike } from './symbols.js';

/** One liquidation as a venue module reads it from the exchange's message, before sizing. */
export interface RawLiquidation {
  /** The exchange's own market id (`BTCUSDT`, `BTC-USDT-SWAP`). */
  marketId: string;
  /** Exchange time of the liquidation, ms. */
  ts: number;
  price: number;
  /** Size as the exchange states it: in contracts (for USDT-margined Binance/Bybit a contract is one coin). */
  contracts: number;
  /** The position that was liquidated; undefined when the message says something else. */
  side: PositionSide | undefined;
  /** What one unit of `contracts` is, when the exchange defines it and ccxt's market.contractSize does not match. */
  contractSize?: number;
  /**
   * The exchange's own dollar value of this liquidation, when the row states one (HTX `trade_turnover`): a
   * cross-check of `contracts × contractSize × price`. When the two disagree by more than rounding, this one
   * is used (see toLiquidation) and the result carries a `note`.
   */
  usd?: number;
  /** The exchange's id for it (Lighter's trade id), when a stream can deliver the same liquidation twice. */
  key?: string;
  /** Delivered in a snapshot on (re)subscribing, not as it happened: counted only if not seen and not older than the connection. */
  replayed?: boolean;
}

/** `note`: the event was read, but something about it is worth one warning (a stated dollar value overruled the sizing). */
export type Normalized<T> = { ok: true; event: T; note?: string } | { ok: false; reason: string };

/** A stated dollar value and the computed one agree when within this share of each other (or a cent): rounding, not units. */
export const USD_TOLERANCE = 0.005;

/** A number from an exchange field (they send strings); NaN when it is not one. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

const positive = (n: number): boolean => Number.isFinite(n) && n > 0;

/** A price quoted per unit of the market's base, per coin (the same for a market whose base is the coin). */
export function perCoin(market: MarketLike, price: number): number {
  return market.multiplier === undefined ? price : price / market.multiplier;
}

export function toLiquidation(exchange: string, market: MarketLike, raw: RawLiquidation): Normalized<Liquidation> {
  if (!raw.side) return { ok: false, reason: 'no position side' };
  if (!positive(raw.price)) return { ok: false, reason: 'no valid price' };
  if (!positive(raw.contracts)) return { ok: false, reason: 'no valid size' };
  if (!Number.isFinite(raw.ts) || raw.ts <= 0) return { ok: false, reason: 'no valid time' };
  const contractSize = raw.contractSize ?? market.contractSize ?? NaN;
  if (!positive(contractSize)) return { ok: false, reason: `market ${market.symbol} has no contract size` };
  let amount: number;
  let usd: number;
  if (market.inverse) {
    usd = raw.contracts * contractSize;
    amount = usd / raw.price;
  } else {
    amount = raw.contracts * contractSize;
    usd = amount * raw.price;
  }
  let note: string | undefined;
  // The exchange's own dollar figure wins over ours when they differ by more than rounding: it is computed per row
  // by the exchange, while our contract size comes from a market list that can be a day old (or mis-parsed), and a
  // unit mix-up (contracts read as coins) is off by the contract size, 1,000× for HTX's BTC-USDT.
  if (raw.usd !== undefined && positive(raw.usd) && positive(usd) && Math.abs(usd - raw.usd) > Math.max(0.01, USD_TOLERANCE * raw.usd)) {
    note = `${market.symbol}: the exchange states $${raw.usd} where ${raw.contracts} contracts × ${contractSize} × ${raw.price} make $${usd}; using the exchange's figure (is the market's contract size stale?)`;
    usd = raw.usd;
    amount = usd / raw.price;
  }
  // 1e200 × 1e200 is Infinity: sizes no market has are refused here (the bot screens what is merely implausible).
  if (!positive(amount) || !positive(usd)) return { ok: false, reason: 'size out of any market\'s range' };
  const coins = market.multiplier ?? 1;
  return {
    ok: true,
    event: { type: 'liquidation', ts: Math.floor(raw.ts), exchange, symbol: coinSymbol(market), side: raw.side, price: perCoin(market, raw.price), amount: amount * coins, usd },
    ...(note ? { note } : {}),
  };
}

/** A ccxt OHLCV row `[ts, open, high, low, close, volume]` as a closed candle. Volume is kept only where it is in the base (linear), in coins. */
export function toCandle(exchange: string, market: MarketLike, timeframe: Timeframe, row: readonly unknown[]): Normalized<Candle> {
  const [ts, open, high, low, close, volume] = row.map(num) as [number, number, number, number, number, number];
  if (!Number.isFinite(ts) || ts <= 0) return { ok: false, reason: 'no valid time' };
  if (![open, high, low, close].every(positive)) return { ok: false, reason: 'no valid prices' };
  if (high < Math.max(open, close, low) || low > Math.min(open, close)) return { ok: false, reason: 'high/low do not contain open/close' };
  const [o, h, l, c] = [open, high, low, close].map((p) => perCoin(market, p)) as [number, number, number, number];
  const candle: Candle = { type: 'candle', ts, exchange, symbol: coinSymbol(market), timeframe, open: o, high: h, low: l, close: c };
  if (market.linear && Number.isFinite(volume) && volume >= 0) candle.volume = volume * (market.multiplier ?? 1);
  return { ok: true, event: candle };
}
