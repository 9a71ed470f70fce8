/**
 * The exchanges liqbot can watch, by ccxt id. Adding one: a module next to these implementing `Venue`,
 * a line here, a fake server in test/fakes/exchanges and its test in test/feeds.
 */
import type { Venue } from '../venue.js';
import { binancecoinm, binanceusdm } from './binance.js';
import { bybit } from './bybit.js';
import { bitfinex } from './bitfinex.js';
import { deribit } from './deribit.js';
import { gate } from './gate.js';
import { htx } from './htx.js';
import { lighter } from './lighter.js';
import { okx } from './okx.js';

/**
 * Not here, on purpose: Bitget and Hyperliquid (ccxt exposes no public liquidations for them). Deribit is
 * here, read from its public trades (each liquidation is a flagged trade), not from ccxt's fetchLiquidations.
 */
export const VENUES: Readonly<Record<string, Venue>> = { binanceusdm, binancecoinm, bybit, okx, gate, htx, bitfinex, deribit, lighter };
