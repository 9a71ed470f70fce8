/** Config is validated once at start: a typo is one line naming the key and what was expected. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedDefaults } from '../config/defaults.js';
import { ConfigError, DEFAULT_CONFIG_PATH, buildConfig, checkExchanges, loadConfig, validatedDefaultsText } from '../config/load.js';
import { VENUES } from '../src/feeds/venues/registry.js';
import { parseEnv } from '../src/env.js';
import { tempDir } from './helpers.js';

describe('config', () => {
  it('the defaults load, frozen', () => {
    const c = loadConfig();
    expect(c.assets).toContain('ETH');
    expect(Object.isFrozen(c.cascades)).toBe(true);
  });
  it("the build's validated defaults are the defaults, and only while the YAML reads as it did", () => {
    const dir = tempDir();
    const cache = join(dir, 'default-config.json'), yaml = join(dir, 'default.yaml');
    writeFileSync(cache, validatedDefaultsText());
    writeFileSync(yaml, readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
    const c = cachedDefaults(yaml, cache);
    expect(c).toStrictEqual(loadConfig());
    expect(Object.isFrozen(c!.levels.defaults)).toBe(true);
    writeFileSync(yaml, readFileSync(DEFAULT_CONFIG_PATH, 'utf8').replace('multiplier: 12', 'multiplier: 13'));
    expect(cachedDefaults(yaml, cache)).toBeUndefined();
    expect(cachedDefaults(yaml, join(dir, 'missing.json'))).toBeUndefined();
    writeFileSync(cache, '{"source": 1');
    expect(cachedDefaults(yaml, cache)).toBeUndefined();
  });
  it('an override file merges over the defaults', () => {
    const path = join(tempDir(), 'my.yaml');
    writeFileSync(path, 'assets: [eth, btc]\ncascades:\n  multiplier: 20\n');
    const c = loadConfig(path);
    expect(c.assets).toEqual(['ETH', 'BTC']);
    expect(c.cascades.multiplier).toBe(20);
    expect(c.cascades.quietMinutes).toBe(10);
  });
  it.each([
    [{ cascades: { multipler: 3 } }, 'cascades: unknown key "multipler" (did you mean "multiplier"?)'],
    [{ cascades: { zzz: 3 } }, 'cascades: unknown key "zzz"'],
    [{ levels: { breakBufferPct: 'wide' } }, 'levels.breakBufferPct:'],
    [{ defaultWindow: '2h' }, 'defaultWindow:'],
    [{ windows: ['1h'], defaultWindow: '24h' }, 'defaultWindow: "24h" must be one of windows (1h)'],
    [{ levels: { defaults: [{ asset: 'ETH', low: 3, high: 2 }] } }, 'levels.defaults.0'],
    [{ assets: ['ETH\u0007'] }, 'assets.0: an asset as a venue lists it'],
    [{ assets: ['x'.repeat(21)] }, 'assets.0: an asset as a venue lists it'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone: not a time zone this system knows'],
    // Names the runtime knows that tell the wrong clock: EST is UTC−5 all year, Etc/GMT+9 is UTC−9.
    [{ timeZone: 'EST' }, 'timeZone: "EST" is a fixed UTC−5, with no summer time: name the place as Area/City, such as America/New_York'],
    [{ timeZone: 'Etc/GMT+9' }, 'timeZone: "Etc/GMT+9" is a fixed UTC−9 (the Etc/GMT names reverse the sign): name the place as Area/City, such as America/Anchorage, or for UTC+9 Asia/Seoul or Asia/Tokyo'],
    [{ timeZone: 'EST5EDT' }, 'timeZone: "EST5EDT" is a legacy name, not an IANA Area/City: name the place as Area/City, such as America/New_York'],
    [{ timeZone: 'US/Eastern' }, 'such as America/New_York'],
    [{ timeZone: 'GMT' }, 'timeZone: "GMT" is UTC under another name: write UTC'],
    // What people write for their zone, refused with the place to write instead.
    [{ timeZone: 'KST' }, 'timeZone: "KST" is an abbreviation, not a time zone name: name the place as Area/City, such as Asia/Seoul'],
    [{ timeZone: 'JST' }, 'such as Asia/Tokyo'],
    [{ timeZone: 'EDT' }, 'such as America/New_York'],
    [{ timeZone: 'CET' }, 'such as Europe/Berlin'],
    [{ timeZone: 'CEST' }, 'such as Europe/Berlin'],
    [{ timeZone: 'PST' }, 'such as America/Los_Angeles'],
    [{ timeZone: 'GMT+9' }, 'timeZone: "GMT+9" is a fixed offset, not a place (it would not follow summer time): name the place as Area/City, such as Asia/Seoul or Asia/Tokyo'],
    [{ timeZone: 'UTC+9' }, 'such as Asia/Seoul or Asia/Tokyo'],
    [{ timeZone: '+09:00' }, 'such as Asia/Seoul or Asia/Tokyo'],
    [{ timeZone: 'UTC-5' }, 'such as America/New_York'],
    [{ timeZone: 'Seoul' }, 'such as Asia/Seoul'],
    // Binance's 1000PEPE is followed as PEPE, prices per coin: the old name would match no contract, its levels 1,000× off.
    [{ assets: ['BTC', '1000PEPE'] }, "write PEPE, not 1000PEPE"],
    [{ levels: { defaults: [{ asset: '1000pepe', price: 0.012 }] } }, 'write PEPE, not 1000PEPE'],
    // A list naming a thing twice, a key nothing reads, a list of nothing: each a slip that would load without a word.
    [{ assets: ['ETH', 'eth', 'BTC'] }, 'my.yaml: assets: "ETH" and "eth" are one asset: list it once'],
    [{ exchanges: ['bybit', 'okx', 'bybit'] }, 'my.yaml: exchanges: "bybit" is listed twice: list it once'],
    [{ windows: ['1h', '1h', '24h'] }, 'my.yaml: windows: "1h" is listed twice: list it once'],
    [{ alerts: { families: ['level', 'level'] } }, 'my.yaml: alerts.families: "level" is listed twice: list it once'],
    [{ alerts: { families: [] } }, 'my.yaml: alerts.families: name at least one of cascade, level: a new subscription would be told nothing'],
    [{ cascades: { floorsUsd: { default: 1, ETHH: 5 } } }, 'my.yaml: cascades.floorsUsd.ETHH: "ETHH" must be one of assets (BTC, ETH, SOL, XRP, DOGE, BNB) or default (did you mean "ETH"?)'],
    [{ cascades: { floorsUsd: { eth: 5 } } }, 'my.yaml: cascades.floorsUsd.eth: "eth" must be one of assets (BTC, ETH, SOL, XRP, DOGE, BNB) or default (did you mean "ETH"?)'],
    [{ cascades: { venueShares: { default: 0.5, bybitt: 0.2 } } }, 'my.yaml: cascades.venueShares.bybitt: "bybitt" is no venue (did you mean "bybit"?)'],
    [{ cascades: { venueShares: { binanceusdm: 0.3 } } }, 'my.yaml: cascades.venueShares.binanceusdm: shares are per venue: write "binance"'],
    [{ levels: { defaults: [{ asset: 'ETH', price: 3000 }, { asset: 'ZZZ', price: 1 }] } }, 'my.yaml: levels.defaults.1.asset: "ZZZ" must be one of assets (BTC, ETH, SOL, XRP, DOGE, BNB)'],
    [{ assets: ['ETH'], levels: { defaults: [{ asset: 'ETHH', price: 1 }] } }, 'my.yaml: levels.defaults.0.asset: "ETHH" must be one of assets (ETH) (did you mean "ETH"?)'],
  ])('%j is refused with one clear line', (override, message) => {
    expect(() => buildConfig(override, 'my.yaml')).toThrow(ConfigError);
    try {
      buildConfig(override, 'my.yaml');
    } catch (err) {
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
  it('checks per-asset and per-venue keys against what reads them, refusing only what nothing would', () => {
    expect(() => buildConfig({ assets: ['ETH'], cascades: { floorsUsd: { ETHH: 1 } } })).toThrow('cascades.floorsUsd.ETHH: "ETHH" must be one of assets (ETH) or default (did you mean "ETH"?)');
    // Narrowing `assets` keeps the defaults' floors for BTC and SOL; a venue only the vendor reports (BitMEX) or one
    // no one knows yet keeps its share; every venue with a live feed has one name for its share.
    const c = buildConfig({ assets: ['ETH', 'pepe'], cascades: { floorsUsd: { PEPE: 500_000 }, venueShares: { bitmex: 0.02, coinex: 0.01 } } });
    expect(c.cascades.floorsUsd).toMatchObject({ BTC: 8_000_000, ETH: 5_000_000, SOL: 2_000_000, PEPE: 500_000 });
    expect(c.cascades.venueShares).toMatchObject({ bitmex: 0.02, coinex: 0.01 });
    const venues = [...new Set(Object.keys(VENUES).map((id) => (id.startsWith('binance') ? 'binance' : id)))];
    expect(() => buildConfig({ cascades: { venueShares: Object.fromEntries(venues.map((v) => [v, 0.01])) } })).not.toThrow();
  });
  it('takes UTC and IANA Area/City names as the time zone', () => {
    for (const timeZone of ['UTC', 'Etc/UTC', 'Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Australia/Adelaide']) {
      expect(buildConfig({ timeZone }).timeZone).toBe(timeZone);
    }
  });
  it('names every problem of a file at once, on one line, each with its key', () => {
    const message = () => {
      try {
        buildConfig({ levels: { breakBuferPct: 0.5, chopHours: -1 }, cascades: { multiplier: -3 }, alerts: { famlies: ['cascade'] } }, 'my.yaml');
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    const m = message();
    expect(m).toMatch(/^my\.yaml: /);
    expect(m).not.toContain('\n');
    for (const part of ['levels: unknown key "breakBuferPct" (did you mean "breakBufferPct"?)', 'levels.chopHours:', 'cascades.multiplier:', 'alerts: unknown key "famlies" (did you mean "families"?)']) expect(m).toContain(part);
    expect(m.split('; ')).toHaveLength(4);
  });
  it('takes any base asset a venue lists, Unicode included, upper-cased', () => {
    const c = buildConfig({ assets: ['eth', '币安人生', '1inch'], levels: { defaults: [{ asset: '币安人生', price: 0.2 }] } });
    expect(c.assets).toEqual(['ETH', '币安人生', '1INCH']);
    expect(c.levels.defaults[0]).toMatchObject({ asset: '币安人生' });
  });
  it('bad YAML names the file', () => {
    const path = join(tempDir(), 'bad.yaml');
    writeFileSync(path, 'assets: [eth\n');
    expect(() => loadConfig(path)).toThrow(/bad\.yaml: not valid YAML/);
  });
});

describe('config edges', () => {
  it.each([
    ['__proto__:\n  polluted: true\n', 'my.yaml: __proto__: "__proto__" is not a setting (and cannot be one)'],
    ['cascades:\n  floorsUsd:\n    default: 1000000\n    __proto__: 5\n', 'my.yaml: cascades.floorsUsd.__proto__: "__proto__" is not a setting (and cannot be one)'],
    ['levels:\n  defaults:\n    - asset: eth\n      price: 3000\n      constructor: 1\n', 'my.yaml: levels.defaults.0.constructor: "constructor" is not a setting (and cannot be one)'],
  ])('a key that reaches a prototype (%j) is refused, naming it', (yaml, message) => {
    const path = join(tempDir(), 'my.yaml');
    writeFileSync(path, yaml);
    expect(() => loadConfig(path)).toThrow(message.replace('my.yaml', path));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('minHistoryDays above historyDays is refused: the history it waits for would never be kept', () => {
    expect(() => buildConfig({ cascades: { historyDays: 14, minHistoryDays: 30 } }, 'my.yaml')).toThrow(
      'my.yaml: cascades.minHistoryDays: 30 must not exceed cascades.historyDays (14): the history it waits for is never kept',
    );
    expect(buildConfig({ cascades: { historyDays: 14, minHistoryDays: 14 } }, 'my.yaml').cascades.minHistoryDays).toBe(14);
  });
  it('an exchange id without a live feed stops start-up, with the id it was likely meant to be', () => {
    const venues = Object.keys(VENUES);
    expect(() => checkExchanges(buildConfig({ exchanges: ['bybitt', 'okx', 'hyperliquid'] }), venues, 'my.yaml')).toThrow(
      `config my.yaml: exchanges: "bybitt" has no live feed (did you mean "bybit"?); "hyperliquid" has no live feed (liqbot watches ${venues.join(', ')}; Bitget and Hyperliquid come as hourly totals with COINALYZE_API_KEY)`,
    );
    // The defaults and an empty list (no live venue: offline data only) are fine.
    expect(() => checkExchanges(loadConfig(), venues)).not.toThrow();
    expect(() => checkExchanges(buildConfig({ exchanges: [] }), venues)).not.toThrow();
  });
});

describe('environment', () => {
  it('reads tokens and paths; empty values mean unset', () => {
    const e = parseEnv({ TELEGRAM_BOT_TOKEN: '123:abc', DISCORD_TOKEN: '', LIQBOT_DB: '/tmp/x.db', LIQBOT_HTTP_PORT: '9100' });
    expect(e.telegram?.token).toBe('123:abc');
    expect(e.discord).toBeUndefined();
    expect(e.dbPath).toBe('/tmp/x.db');
    expect(e.httpPort).toBe(9100);
  });
  it('a bad port is one line naming the key', () => {
    expect(() => parseEnv({ LIQBOT_HTTP_PORT: 'eighty' })).toThrow('.env: LIQBOT_HTTP_PORT: expected a port number 1–65535');
  });
  it('DISCORD_SHARDS is "auto" or at least one shard: 0 is one line naming it, not discord.js\'s stack when the client is made', () => {
    for (const shards of ['0', '00', '1000', '-1', 'two']) {
      expect(() => parseEnv({ DISCORD_TOKEN: 'x.y.z', DISCORD_SHARDS: shards })).toThrow(new ConfigError('.env: DISCORD_SHARDS: expected "auto" or a number of shards 1–999'));
    }
    expect(parseEnv({ DISCORD_TOKEN: 'x.y.z', DISCORD_SHARDS: '1' }).discord?.shards).toBe(1);
    expect(parseEnv({ DISCORD_TOKEN: 'x.y.z', DISCORD_SHARDS: '999' }).discord?.shards).toBe(999);
    expect(parseEnv({ DISCORD_TOKEN: 'x.y.z', DISCORD_SHARDS: 'auto' }).discord?.shards).toBe('auto');
  });
});

describe('config: a zero that leaves a threshold at nothing', () => {
  const refusal = (override: unknown): string => {
    try {
      buildConfig(override, 'my.yaml');
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return 'accepted';
  };
  it.each([
    // Every share 0: the floors scaled by 0/0 (a replay of the bundled day started 691 cascades instead of 5).
    [
      { cascades: { venueShares: { binance: 0, bybit: 0, okx: 0, bitget: 0, hyperliquid: 0, gate: 0, default: 0 } } },
      'my.yaml: cascades.venueShares: binance, bybit, okx, bitget, hyperliquid, gate, default are 0; each must be above 0: the cascade and flush floors are scaled by the shares of the venues seen, and 0 scales them to nothing (leave a venue out of `exchanges` instead)',
    ],
    [{ cascades: { venueShares: { okx: 0 } } }, 'my.yaml: cascades.venueShares.okx: must be above 0: the cascade and flush floors are scaled'],
    [
      { cascades: { absoluteFloorUsd: 0, floorsUsd: { DOGE: 0 } } },
      'my.yaml: cascades.floorsUsd.DOGE: 0 with absoluteFloorUsd 0 leaves DOGE no floor: until there is history, any liquidation would start a cascade (set either above 0)',
    ],
    [{ cascades: { absoluteFloorUsd: 0, floorsUsd: { default: 0 } } }, 'cascades.floorsUsd.default: 0 with absoluteFloorUsd 0 leaves the assets without a floor of their own no floor'],
    [{ flush: { floorUsd: 0 } }, 'my.yaml: flush.floorUsd: must be above 0: a flush is over once the window falls below a fraction of this floor'],
    [{ levels: { breakBufferPct: 0 } }, 'my.yaml: levels.breakBufferPct: must be above 0: every break margin is a multiple of this buffer'],
  ])('%j is refused with one line naming the key', (override, message) => {
    const m = refusal(override);
    expect(m).toContain(message);
    expect(m).not.toContain('\n');
  });
  it.each([
    [{ cascades: { absoluteFloorUsd: 0 } }], // the per-asset floors remain
    [{ cascades: { floorsUsd: { DOGE: 0 } } }], // the absolute floor remains
    [{ cascades: { minSideShare: 0, updateMinMinutes: 0 } }], // off, not a threshold of nothing
    [{ levels: { atrMultiple: 0, testingPct: 0, flipBuffers: 0, confirmMinutes: 0 } }], // the buffer's floor remains
    [{ cascades: { venueShares: { okx: 0.001 } } }],
  ])('%j is taken: a zero that turns something off, or a small share', (override) => {
    expect(refusal(override)).toBe('accepted');
  });
});

describe('config: levels.defaults', () => {
  const refusal = (defaults: unknown[], assets = ['ETH', 'BTC']): string => {
    try {
      buildConfig({ assets, levels: { defaults } }, 'my.yaml');
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return 'accepted';
  };
  const prices = (asset: string, n: number) => Array.from({ length: n }, (_, i) => ({ asset, price: 1000 + i }));

  it.each([
    // The second replaced the first in the market (one id, ETH@3000): its label was lost without a word.
    [[{ asset: 'ETH', price: 3000, label: 'a' }, { asset: 'ETH', price: 3000, label: 'a' }], 'my.yaml: levels.defaults.1: ETH 3000 repeats levels.defaults.0 (one level per asset and price or zone, whatever its label): list it once'],
    [[{ asset: 'ETH', price: 3000, label: 'a' }, { asset: 'BTC', price: 3000 }, { asset: 'eth', price: 3000, label: 'b' }], 'my.yaml: levels.defaults.2: ETH 3000 repeats levels.defaults.0 ('],
    [[{ asset: 'ETH', low: 2750, high: 2800 }, { asset: 'ETH', price: 2750 }, { asset: 'ETH', low: 2750, high: 2800, label: 'x' }], 'my.yaml: levels.defaults.2: ETH 2750–2800 repeats levels.defaults.0 ('],
  ])('a level set twice is refused in one line naming both entries: %j', (defaults, message) => {
    const m = refusal(defaults);
    expect(m.slice(0, message.length)).toBe(message);
    expect(m).not.toContain('\n');
  });

  it('at most 500 for an asset (the most a chat may keep of its own): 501 is refused naming the key and the asset', () => {
    expect(refusal([...prices('ETH', 501), ...prices('BTC', 3)])).toBe(
      "my.yaml: levels.defaults: 501 levels of ETH: at most 500 per asset, the most maxPerChat allows (every chat's /levels lists them all)",
    );
    expect(refusal([...prices('ETH', 500), ...prices('BTC', 500)])).toBe('accepted');
  });

  it('distinct levels are taken: one price on two assets, a zone and a price at its edge', () => {
    expect(refusal([{ asset: 'ETH', price: 3000 }, { asset: 'BTC', price: 3000 }, { asset: 'ETH', low: 3000, high: 3100 }, { asset: 'ETH', price: 3000.5 }])).toBe('accepted');
  });
});
