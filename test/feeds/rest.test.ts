/**
 * The REST client paces requests once: bottleneck at the venue's published limit, ccxt's own rate limiter off.
 */
import { describe, expect, it } from 'vitest';
import { RestClient } from '../../src/feeds/rest.js';
import { VENUES } from '../../src/feeds/venues/registry.js';

describe('RestClient', () => {
  it.each(Object.keys(VENUES))('%s: ccxt does not throttle a second time', async (id) => {
    const ccxt = await import('ccxt');
    const rest = new RestClient(VENUES[id]!, ccxt);
    expect(rest.ccxtRateLimit).toBe(false);
    await rest.close();
  });
});
