/**
 * What fed a reply, said in its footer, and an empty window said as what it is (a quiet market, or feeds
 * that were not there to see it).
 */
import type { NoFeed } from '../core/coverage.js';
import { ALL_EXCHANGES } from '../core/hourly-totals.js';
import type { Coverage } from '../core/summary.js';
import { clockAsOf, day, duration, spanWords, stamp, venueLabel, venueName, venueNames, venuesWord, whenWord, windowWords } from './format.js';
import { isSampled } from '../core/venues.js';
import { toned, type Line } from './reply.js';
import { localDay } from './zone.js';

/** The footer every market reply carries: which venues fed it (sampled, polled), which feeds are down since when, gaps, synthetic. */
export function coverageLine(c: Coverage, asOf: number, span = 'this window'): Line {
  const parts: string[] = [];
  const polled = new Map((c.feeds ?? []).filter((f) => f.polledEveryMs).map((f) => [f.exchange, f.polledEveryMs!]));
  const source = (e: string) => `${venueLabel(e, c.sampled.includes(e))}${polled.has(e) ? ` (polled ${duration(polled.get(e)!)})` : ''}`;
  const daily = c.daily ?? [];
  // Where no venue's orders fed the window, a file's venues are still what saw it (and a sampled one is said so).
  const watched = c.exchanges.length ? [] : (c.recordedVenues ?? []);
  // A vendor's daily totals of a sampled venue are built from that stream: lower bounds too, starred. A venue with both
  // its own records and daily totals is named once ("Binance* (prints and daily totals)", not "Binance*, Binance* daily
  // totals", which read as two sources).
  const totalsOf = (e: string) => daily.find((d) => venueName(d) === venueName(e));
  const sources = [
    ...new Set(c.exchanges.map((e) => {
      const d = totalsOf(e);
      if (!d) return source(e);
      const prints = c.sampled.includes(e) ? 'prints' : 'orders';
      return `${venueLabel(e, c.sampled.includes(e) || isSampled(d))} (${prints}${polled.has(e) ? ` polled ${duration(polled.get(e)!)}` : ''} and daily totals)`;
    })),
    ...daily.filter((d) => !c.exchanges.some((e) => venueName(e) === venueName(d))).map((e) => `${venueLabel(e, isSampled(e))} daily totals`),
    ...(daily.length ? [] : watched.map((e) => venueLabel(e, isSampled(e)))),
  ];
  if (sources.length) parts.push(`Sources: ${sources.join(', ')}`);
  if (c.sampled.length || daily.some(isSampled) || (!daily.length && watched.some(isSampled))) parts.push('*sampled stream: a lower bound');
  if (c.hourly?.length) parts.push(`hourly vendor totals only: ${venueNames(c.hourly)}`);
  const uncounted = hourlyUncountedText(c, span);
  if (uncounted) parts.push(uncounted);
  const notLive = (c.feeds ?? []).filter((f) => f.state !== 'live');
  // Feeds that went down (or began connecting) the same minute are one phrase, the longest out first:
  // "Bybit down since 09:00; Binance, Gate down since 10:00".
  const since = new Map<string, string[]>();
  for (const f of [...notLive].sort((a, b) => a.since - b.since)) {
    const key = `${f.state === 'down' ? 'down' : 'connecting'} since ${whenWord(f.since, asOf)}`;
    const list = since.get(key);
    if (list) list.push(f.exchange);
    else since.set(key, [f.exchange]);
  }
  if (since.size) parts.push([...since].map(([key, exchanges]) => `${venueNames(exchanges)} ${key}`).join('; '));
  // Dated where an end is of another day than the reply's, as "since" times are ("Bybit no data Dec 6 23:50–Dec 7 00:10").
  for (const g of c.gaps.slice(0, 3)) parts.push(`${venueName(g.exchange)} no data ${spanWords(g.from, g.to, asOf)}`);
  if (c.gaps.length > 3) parts.push(`${c.gaps.length - 3} more gaps`);
  // A file whose prints leave part of the window out: what the figures cover is said, not left to be assumed.
  const rec = c.recorded;
  if (rec?.any && !rec.full && rec.stretches.length) parts.push(`liquidation prints in ${span}: ${stretchesText(rec.stretches, asOf)}`);
  if (c.synthetic) parts.push('SYNTHETIC demo data');
  // A market that has seen no event and no tick yet has no moment to stamp (a command at the first second).
  if (Number.isFinite(asOf)) parts.push(stamp(asOf));
  return [toned(parts.join(' · '), 'muted')];
}

/**
 * The venues a vendor's hourly totals alone cover whose hours the window cuts, none whole inside it: "Bitget,
 * Hyperliquid not counted (hourly vendor totals only, no whole hour in this window)", not left to read as venues that
 * saw nothing (a 1h window to 14:59 holds one minute of their 13:00–14:00 totals).
 */
function hourlyUncountedText(c: Coverage, span = 'this window'): string | undefined {
  const venues = c.hourlyUncounted ?? [];
  // A vendor's totals for every exchange at once are nobody's venue: "All exchanges not counted" would read as nothing counted.
  const names = venues.map((v) => (v === ALL_EXCHANGES ? 'all-exchange totals' : venueName(v)));
  return venues.length ? `${[...new Set(names)].join(', ')} not counted (hourly vendor totals only, no whole hour in ${span})` : undefined;
}

/**
 * Whether a window has liquidation figures for an answer to show: live, wherever a feed is (a quiet market is an answer);
 * offline (a file, a rehearsal), where the file has prints in it; either, where a vendor's totals count in it. Where it
 * has none (a file without prints there, a live process without a feed), the answer is "No liquidation data": nothing
 * to offer a button for.
 */
export function hasLiquidationData(c: Coverage): boolean {
  const seen = c.recorded ? c.recorded.stretches.length > 0 : !c.noFeed;
  return seen || c.exchanges.length > 0 || (c.hourly?.length ?? 0) > 0 || (c.daily?.length ?? 0) > 0;
}

/** Offline, where a file's prints cover part of the window: the figures are of those stretches ("prints 16:50–17:20 only"). */
export function printsOnly(c: Coverage, asOf: number): string[] {
  return printsIn(c, asOf).map((p) => `${p} only`);
}

/** Offline, where a file's prints cover part of the window: where they are ("prints 16:50–17:20"). */
export function printsIn(c: Coverage, asOf: number): string[] {
  const rec = c.recorded;
  return rec?.any && !rec.full && rec.stretches.length ? [`prints ${stretchesText(rec.stretches, asOf)}`] : [];
}

/**
 * An empty window's text and footer. Where feeds were out the text names them, since when (the body is what a trader
 * reads): the footer does not say it again. Offline, where the text is about the file, the footer still says them.
 */
export function emptyWindow(c: Coverage, what: string, window: string, asOf: number): { text: string; footer: Line } {
  const aboutFile = c.recorded !== undefined && !c.recorded.full;
  // Venues whose hourly totals the window holds no whole hour of are said in the body, beside "no liquidations".
  const { hourlyUncounted, ...rest } = c;
  const footer = aboutFile ? rest : { ...rest, feeds: c.feeds?.filter((f) => f.state === 'live') };
  const uncounted = hourlyUncounted?.length ? ` ${hourlyUncountedText(c)}.` : '';
  return { text: `${emptyWindowText(c, what, window, asOf)}${uncounted}`, footer: coverageLine(footer, asOf) };
}

/** A live process without a liquidation feed: what it can say instead of a quiet market. */
const NO_FEED: Readonly<Record<NoFeed, string>> = {
  unconfigured: 'No liquidation data: no exchange is configured (config `exchanges` is empty).',
  unreported: 'No liquidation data yet: no ingest process has reported.',
  unwatched: 'No liquidation data: no ingest process watches an exchange.',
};

/**
 * An empty window, said as what it is: a quiet market only when the feeds were there to see it. Offline (a
 * data file, no feeds) the file is the whole source.
 */
function emptyWindowText(c: Coverage, what: string, window: string, asOf: number): string {
  const quiet = `No ${what ? `${what} ` : ''}liquidations in the last ${windowWords(window)}.`;
  // Offline: the file is the whole source, and where it has no prints it has no data, not a quiet market.
  const rec = c.recorded;
  if (rec && !rec.full) {
    // A rehearsal has replayed only part of its recording: what it has not reached yet is not said to be missing.
    const file = rec.soFar ? 'the recording' : 'the file';
    if (!rec.any) return rec.soFar ? 'No liquidation data yet: no liquidation prints replayed from the recording so far.' : 'No liquidation data: the file has no liquidation prints.';
    if (!rec.stretches.length) {
      // Where the prints are, so a window asked at the wrong time (`--at` a year off) says where to look.
      const where = rec.span?.length ? `${file}'s liquidation prints cover ${stretchesText(rec.span, asOf)}${rec.spanGaps ? ' with gaps' : ''}` : `${file} has liquidation prints`;
      return `No liquidation data for the last ${windowWords(window)}: ${where}, none in this window.`;
    }
    return `${quiet.slice(0, -1)}, but ${file}'s liquidation prints cover only ${stretchesText(rec.stretches, asOf)} of it.`;
  }
  // Live with no feed at all: nothing was there to see the window.
  if (c.noFeed) return NO_FEED[c.noFeed];
  const feeds = c.feeds;
  // Offline (a file that covers the window; no feeds): the file is the whole source, and it saw a quiet market.
  if (!feeds?.length) return quiet;
  const live = feeds.filter((f) => f.state === 'live');
  const down = feeds.filter((f) => f.state === 'down');
  const waiting = feeds.filter((f) => f.state === 'connecting');
  if (live.length === 0) {
    // One venue is named ("Bybit unreachable since 16:19"), several counted.
    const who = venuesWord(feeds.map((f) => f.exchange));
    if (down.length === 0) return `No liquidation data yet: ${who.word} ${who.one ? 'is' : 'are'} still connecting.`;
    const since = Math.max(...down.map((f) => f.since));
    return `No liquidation data: ${who.word} unreachable since ${whenWord(since, asOf)}.`;
  }
  const out = [...down, ...waiting];
  if (out.length === 0) return quiet;
  return `${quiet.slice(0, -1)} on ${venueNames(live.map((f) => f.exchange))}; no data from ${venueNames(out.map((f) => f.exchange))} (${down.length ? `unreachable since ${whenWord(Math.min(...down.map((f) => f.since)), asOf)}` : 'connecting'}).`;
}

/**
 * Stretches of a window as times, a date (Dec 26) where the day changes from `ref`'s or the time before: 14:31–15:55,
 * 21:38–21:55; the year where it is not `ref`'s or changes from the time before's ("Jun 20, 2024 16:32–16:54, Jun 23,
 * 2025 20:59–21:56, Oct 25 17:25–17:52" as of Oct 25 2025).
 */
export function stretchesText(stretches: readonly (readonly [number, number])[], ref: number): string {
  let shown = localDay(ref);
  let before = ref;
  const at = (ms: number) => {
    const d = localDay(ms);
    // Dated the way every reply dates ("Jan 31 23:59"), where the day is not the reference's.
    // Across a change of the zone's offset the time names its zone ("01:50 EDT–01:20 EST").
    const text = d === shown ? clockAsOf(ms, ref) : `${day(ms, ref, before)} ${clockAsOf(ms, ref)}`;
    shown = d;
    before = ms;
    return text;
  };
  // One print is a moment, not a span ("12:00", not "12:00–12:00").
  const text = ([a, b]: readonly [number, number]) => (clockAsOf(a, ref) === clockAsOf(b, ref) && localDay(a) === localDay(b) ? at(a) : `${at(a)}–${at(b)}`);
  // Many (a file of bursts): the first three, how many more, and the last (a footer has a platform's limit).
  if (stretches.length > 5) return `${stretches.slice(0, 3).map(text).join(', ')} and ${stretches.length - 4} more to ${text(stretches[stretches.length - 1]!)}`;
  return stretches.map(text).join(', ');
}
