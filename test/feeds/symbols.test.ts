/** From a trader's asset to each exchange's perpetual swaps. */
import { describe, expect, it } from 'vitest';
import { perpetualSymbols, perpetualSymbolsByExchange, priceSymbol } from '../../src/feeds/index.js';
import { BINANCE_COINM_MARKETS, BINANCE_USDM_MARKETS, BYBIT_MARKETS, DERIBIT_MARKETS, OKX_MARKETS } from '../fakes/exchanges/markets.js';

describe('perpetualSymbols', () => {
  it('lists USDT, then USDC, then inverse perpetuals of an asset, case-insensitively', () => {
    expect(perpetualSymbols(BYBIT_MARKETS, 'eth')).toEqual(['ETH/USDT:USDT', 'ETH/USDC:USDC', 'ETH/USD:ETH']);
    expect(perpetualSymbols(OKX_MARKETS, 'BTC')).toEqual(['BTC/USDT:USDT', 'BTC/USDC:USDC', 'BTC/USD:BTC']);
  });

  it('leaves out spot markets, dated futures, inactive markets and other assets', () => {
    expect(perpetualSymbols(BYBIT_MARKETS, 'BTC')).not.toContain('BTC/USDT');
    expect(perpetualSymbols(BINANCE_USDM_MARKETS, 'BTC')).toEqual(['BTC/USDT:USDT', 'BTC/USDC:USDC']);
    expect(perpetualSymbols(BINANCE_COINM_MARKETS, 'BTC')).toEqual(['BTC/USD:BTC']);
    expect(perpetualSymbols(BYBIT_MARKETS, 'XRP')).toEqual([]);
    expect(perpetualSymbols(OKX_MARKETS, 'DOGE')).toEqual([]);
  });

  it("counts Deribit's perpetuals (listed as expiring in the year 3000) but not its dated futures", () => {
    expect(perpetualSymbols(DERIBIT_MARKETS, 'BTC')).toEqual(['BTC/USDC:USDC', 'BTC/USD:BTC']);
  });

  it('maps an asset across exchanges', () => {
    const all = { binanceusdm: BINANCE_USDM_MARKETS, binancecoinm: BINANCE_COINM_MARKETS, bybit: BYBIT_MARKETS, okx: OKX_MARKETS };
    expect(perpetualSymbolsByExchange(all, 'sol')).toEqual({ binanceusdm: ['SOL/USDT:USDT'], binancecoinm: [], bybit: [], okx: ['SOL/USDT:USDT'] });
  });

  it('takes prices from the USDT perpetual, else the next one listed', () => {
    expect(priceSymbol(BYBIT_MARKETS, 'BTC')).toBe('BTC/USDT:USDT');
    expect(priceSymbol(BINANCE_COINM_MARKETS, 'ETH')).toBe('ETH/USD:ETH');
    expect(priceSymbol(OKX_MARKETS, 'DOGE')).toBeUndefined();
  });
});
