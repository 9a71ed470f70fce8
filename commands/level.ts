/**
 * `/level add|remove|list`: a chat's own levels (admins change them; anyone may list); `propose|vote|adopt|reject|
 * info|why`: levels the group discusses (proposals.ts). A level must sit within
 * ×0.1–×10 of the asset's last price (level-range.ts): a typo of three zeros is refused, not watched for years.
 */
import { levelId, type Level, type LevelValue } from '../src/core/levels.js';
import { day, labelAfter, levelText, pct } from '../src/replies/format.js';
import { levelsAt, outOfRange, priceWord, secondPrice, watchedForEveryone } from './level-range.js';
import { labelWords, parseAsset, parseLabel, parseLevel, quote, untrackedAsset } from './parse.js';
import { b, errorReply, toned, type Line } from '../src/replies/reply.js';
import { tally } from '../src/core/proposals.js';
import { memberName, shortId } from '../src/replies/proposals.js';
import { openProposals, runDecide, runDigest, runInfo, runPropose, runVote, runWhy } from './proposals.js';
import type { Args, CommandContext, CommandDef, CommandReply } from './types.js';


export const level: CommandDef = {
  name: 'level',
  description: "Add, remove, list or propose this chat's levels",
  usage: ['level add eth 2350', 'level add eth 2750-2800 "prior support"', 'level remove eth 2350', 'level list eth', 'level propose eth 2350 "the line"', 'level info eth 2350'],
  subcommands: [
    {
      name: 'add',
      description: 'Watch a price or a zone',
      admin: true,
      private: true,
      options: [
        { name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true },
        { name: 'level', description: 'A price (2350, 2.35k) or a zone (2750-2800)', kind: 'level', required: true },
        { name: 'label', description: 'A short label, e.g. "prior support"', kind: 'text', rest: true },
      ],
    },
    {
      name: 'remove',
      description: 'Stop watching a level',
      admin: true,
      private: true,
      options: [
        { name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true },
        { name: 'level', description: 'The price or zone to remove', kind: 'level', required: true },
      ],
    },
    { name: 'list', description: "This chat's levels", options: [{ name: 'asset', description: 'Asset (optional)', kind: 'asset' }] },
    {
      name: 'propose',
      description: 'Propose a level for the group to vote on',
      options: [
        { name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true },
        { name: 'level', description: 'A price (2350) or a zone (2750-2800)', kind: 'level', required: true },
        { name: 'why', description: 'Why it matters, e.g. "the line from January"', kind: 'text', rest: true },
      ],
    },
    {
      name: 'vote',
      description: 'Vote on a proposal',
      options: [
        { name: 'id', description: 'The proposal, e.g. p3', kind: 'text', required: true },
        { name: 'vote', description: 'up or down', kind: 'text', required: true, choices: ['up', 'down'] },
      ],
    },
    { name: 'adopt', description: 'Adopt a proposal: watch its level', admin: true, options: [{ name: 'id', description: 'The proposal, e.g. p3', kind: 'text', required: true }] },
    { name: 'reject', description: 'Reject a proposal', admin: true, options: [{ name: 'id', description: 'The proposal, e.g. p3', kind: 'text', required: true }] },
    {
      name: 'info',
      description: "A level's story and history",
      options: [
        { name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true },
        { name: 'level', description: 'The price or zone', kind: 'level', required: true },
      ],
    },
    { name: 'why', description: 'Why the group watches these levels', options: [{ name: 'asset', description: 'Asset, e.g. eth', kind: 'asset', required: true }] },
    { name: 'digest', description: "This week's digest: what held, what broke, who was right", options: [{ name: 'asset', description: 'Asset (optional)', kind: 'asset' }] },
  ],
  // `/level remove eth 2350 2400` (refused: words past a change are never dropped): the zone it may have meant.
  extraHint(args) {
    // Only ever a price and a ticker-like word are repeated back: nothing else the user typed.
    const price = (w: string | undefined) => priceWord(w)?.replace(/^\$/, '');
    const second = args.sub === 'remove' && args.extra?.length === 1 ? price(args.extra[0]) : undefined;
    const at = price(args.values.level);
    const asset = /^\$?[\p{L}\p{N}]{1,16}$/u.exec(args.values.asset ?? '')?.[0].replace(/^\$/, '').toLowerCase();
    return second && at && asset ? `For the zone write /level remove ${asset} ${at}-${second}.` : undefined;
  },
  run(ctx, args): CommandReply {
    const { market, config } = ctx.services;
    const chat = ctx.chat.key;
    if (args.sub === 'add' || args.sub === 'propose') {
      const afterQuote = wordsAfterQuote(ctx, args, args.sub);
      if (afterQuote) return afterQuote;
    }
    switch (args.sub) {
      case 'propose':
        return runPropose(ctx, args);
      case 'vote':
        return runVote(ctx, args);
      case 'adopt':
      case 'reject':
        return runDecide(ctx, args, args.sub);
      case 'info':
        return runInfo(ctx, args);
      case 'why':
        return runWhy(ctx, args);
      case 'digest':
        return runDigest(ctx, args);
    }
    if (args.sub === 'list' || args.sub === undefined) {
      const asset = args.values.asset ? parseAsset(args.values.asset, market.knownAssets()) : undefined;
      if (asset && !asset.ok) return errorReply(asset.message);
      const own = market.levels.all().filter((l) => l.chat === chat && (!asset || l.asset === asset.value));
      const open = openProposals(ctx, asset?.value);
      const proposed: Line[] = open.map((p) => [`${shortId(p)} `, b(`${p.asset} ${levelText(p.level)}`), ` by ${memberName(p.proposer)} · 👍 ${tally(p).up} · 👎 ${tally(p).down}`]);
      const proposedBlock: Line[][] = proposed.length ? [[[b('Open proposals'), ' (vote on their cards)'], ...proposed]] : [];
      // The deployment's levels (config, the event file) alert here too: said, so an empty list does not read as none.
      const shared = [...new Set(market.levels.all().filter((l) => l.chat === undefined && l.source !== 'cascade' && (!asset || l.asset === asset.value)).map((l) => l.asset))];
      const sharedBlock: Line[][] = shared.length
        ? [[[toned(`Also watched here for everyone: ${shared.slice(0, 8).join(', ')}${shared.length > 8 ? ', …' : ''} (`, 'muted'), b(`/levels ${shared[0]!.toLowerCase()}`), toned(')', 'muted')]]]
        : [];
      // `/level list eth` in a chat whose levels are on other assets: said as such, with those assets, not "no levels".
      const others = asset && own.length === 0 ? countByAsset(market.levels.all().filter((l) => l.chat === chat)) : '';
      if (asset && others) {
        return { blocks: [[[`No ${asset.value} levels in this chat (${others}).`], ['All of them: /level list']], ...proposedBlock, ...sharedBlock], tone: 'info' };
      }
      if (own.length === 0) return { blocks: [[['No levels set in this chat yet.'], ['Admins: /level add eth 2750-2800 "prior support"'], ['Anyone: /level propose eth 2350 "why"']], ...proposedBlock, ...sharedBlock], tone: 'info' };
      return {
        title: ['Levels in this chat'],
        blocks: [
          own.map((l): Line => {
            const label = labelAfter(l.asset, l.label);
            return [b(`${l.asset} ${levelText(l.level)}`), label ? ` ${label}` : ''];
          }),
          ...proposedBlock,
          ...sharedBlock,
        ],
        tone: 'info',
      };
    }
    const asset = parseAsset(args.values.asset, market.knownAssets());
    if (!asset.ok) return errorReply(asset.message);
    // A level of an asset the bot no longer tracks would never change: refused on add (its old levels can be removed).
    const untracked = args.sub === 'add' ? untrackedAsset(asset.value, config.assets, market, chat) : undefined;
    if (untracked) return errorReply(untracked.message, untracked.hint);
    const value = parseLevel(args.values.level);
    if (!value.ok) return errorReply(value.message);
    const id = levelId(asset.value, value.value, chat);
    // What the chat sees at that price, as it prints: a level is the one that prints so, however it was typed.
    const at = levelsAt(market.levels.all(), asset.value, value.value, chat);
    const own = at.filter((l) => l.chat === chat);
    if (args.sub === 'remove') {
      const everyone = at.find((l) => l.chat === undefined && l.source !== 'cascade');
      if (!own.length) return notOurs(asset.value, value.value, everyone ?? at.find((l) => l.source === 'cascade'), ctx.now);
      for (const l of own) ctx.services.apply({ kind: 'level.remove', id: l.id });
      // A deployment's level set after the chat's own at that price stays: said, so the chat does not think it gone.
      const still: Line[] = everyone ? [[`${asset.value} `, b(levelText(everyone.level)), ' is still watched here: the deployment sets it for every chat.']] : [];
      return { blocks: [[[`Removed ${asset.value} ${levelText(value.value)}.`], ...still]], tone: 'info' };
    }
    const second = secondPrice('add', asset.value, value.value, args.values.label);
    if (second) return second;
    const label = parseLabel(args.values.label, config.limits.labelMaxChars);
    if (!label.ok) return errorReply(label.message);
    const far = outOfRange(asset.value, value.value, market.prices.last(asset.value)?.price);
    if (far) return far;
    const everyone = at.find((l) => l.chat === undefined && l.source !== 'cascade');
    if (everyone) return watchedForEveryone(everyone);
    const existing = own.find((l) => l.id === id) ?? own[0];
    // Adding a level again changes only what was typed: no label keeps the old one.
    if (existing && (!label.value || label.value === existing.label)) {
      return {
        blocks: [[[`${asset.value} `, b(levelText(value.value)), existing.label ? ` ${existing.label}` : '', ' is already watched in this chat.']]],
        tone: 'info',
      };
    }
    const count = market.levels.all().filter((l) => l.chat === chat).length;
    if (count >= config.levels.maxPerChat && !existing) {
      return errorReply(`This chat already has ${count} levels, the most it can keep. Remove one first.`);
    }
    // A cascade's extreme (`cascade low · auto`) expires and is never alerted on: added at its price, it becomes the
    // chat's own level, kept and alerted, named as the cascade named it unless the admin gave it a label of their own.
    // (The chat lists it once, as its own: LevelBook.view.)
    const cascade = existing ? undefined : at.find((l) => l.source === 'cascade');
    // Relabelled, a level keeps what it had: the proposal it came from (its story) and the thread its alerts answer.
    const def: Level = existing ? { ...existing } : { id, asset: asset.value, level: value.value, source: 'chat', chat, createdAt: ctx.now };
    const named = label.value ?? cascade?.label;
    if (named) def.label = named;
    ctx.services.apply({ kind: 'level.put', level: def });
    const st = market.levelStatus(asset.value, chat).levels.find((v) => v.level.id === def.id);
    const where = st && market.prices.last(asset.value) ? ` It is ${st.role === 'inside' ? 'around price' : `${st.role}, ${pct(st.distancePct / 100)} away`}.` : '';
    if (existing) return { blocks: [[[`Relabelled ${asset.value} `, b(levelText(value.value)), ` ${label.value}.`]]], tone: 'info' };
    const expires = cascade?.expiresAt !== undefined ? ` on ${day(cascade.expiresAt, ctx.now)}` : '';
    const kept: Line[] = cascade ? [[`Now this chat's own: it stays after the auto ${cascade.label ?? 'cascade level'} expires${expires}.`]] : [];
    return {
      blocks: [[[`Watching ${asset.value} `, b(levelText(value.value)), named ? ` ${named}` : '', `.${where}`], ...kept, ['Breaks and reclaims are posted to this chat when /alerts is on.']]],
      tone: 'info',
    };
  },
};

/** A chat's levels counted by asset, most first: `BNB: 1, BTC: 2`. */
function countByAsset(levels: readonly Level[]): string {
  const n = new Map<string, number>();
  for (const l of levels) n.set(l.asset, (n.get(l.asset) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([a, k]) => `${a}: ${k}`).join(', ');
}

/**
 * `/level remove` at a price this chat has no level of its own at: a level the deployment sets for every chat (config
 * `levels.defaults`, the data file's levels), or a cascade's auto level, is said as what it is, and that a chat cannot
 * remove it (how its alerts are silenced, where they can be); else that there is none.
 */
function notOurs(asset: string, value: LevelValue, there: Level | undefined, now: number): CommandReply {
  if (!there) return errorReply(`This chat has no ${asset} level at ${levelText(value)}.`, 'See them with /level list.');
  const label = labelAfter(there.asset, there.label);
  const named = `${asset} ${levelText(there.level)}${label ? ` ${label}` : ''}`;
  if (there.source === 'cascade') {
    const expires = there.expiresAt !== undefined ? `; it expires on ${day(there.expiresAt, now)}` : '';
    return errorReply(
      `${named} is an auto level, drawn from a cascade for every chat, not a level of this chat's: it cannot be removed here${expires}.`,
      `Auto levels are never alerted on. To make it this chat's own, kept and alerted: /level add ${asset.toLowerCase()} ${typeof there.level === 'number' ? there.level : there.level.join('-')}`,
    );
  }
  return errorReply(
    `${named} is watched for every chat (set by the deployment): it cannot be removed from one chat.`,
    "No alert is muted one level at a time: /alerts kinds cascade stops every level alert here (this chat's own levels' too).",
  );
}

/**
 * Words typed after a quoted label or reason (`/level add eth 2490 "x" extra words`) are not folded into it: they are
 * answered as the dispatcher answers words past a command's last option (commands/index.ts), which cannot see them,
 * since the label option takes the rest of the line. A level added with them changes nothing; a proposal is made with
 * the quoted reason and says which words it ignored. Undefined when nothing follows the quotes.
 */
function wordsAfterQuote(ctx: CommandContext, args: Args, sub: 'add' | 'propose'): CommandReply | undefined {
  const option = sub === 'add' ? 'label' : 'why';
  const { label, extra } = labelWords(args.values[option]);
  if (!extra.length) return undefined;
  const words = quote(extra.join(' '));
  const usage = level.usage.filter((u) => u.startsWith(`level ${sub} `)).map((u) => `/${u}`).join(' · ');
  if (sub === 'add') return errorReply(`${words} is more than /level add takes: nothing changed.`, `Usage: ${usage}.`);
  const reply = runPropose(ctx, { ...args, values: { ...args.values, why: label } });
  return reply.tone === 'error' ? reply : { ...reply, blocks: [...reply.blocks, [[toned(`Ignored ${words} (usage: ${usage}).`, 'muted')]]] };
}
