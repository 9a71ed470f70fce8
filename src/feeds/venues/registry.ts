/**
 * The exchanges liqbot can watch, by ccxt id. Adding one: a module next to these implementing `Venue`,
 * a line here, a fake server in test/fakes/exchanges and its test in test/feeds.
 */
import type { Venue } from '../venue.js';
import { binancecoinm, binanceusdm } from './binance.js';
import { bybit } from './bybit.js';
import { okx } from './okx.js';

export const VENUES: Readonly<Record<string, Venue>> = { binanceusdm, binancecoinm, bybit, okx };
