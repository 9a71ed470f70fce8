/** `/alerts …`: turn a chat's alerts on or off and choose assets, kinds, minimum size and channel (admins). */
import type { AlertFamily } from '../src/core/alerts.js';
import { levelText, usd } from '../src/replies/format.js';
import { parseAsset, parseUsd, quote, wholeDollars } from './parse.js';
import { b, errorReply, type Line, type Reply } from '../src/replies/reply.js';
import type { Subscription } from '../src/store/store.js';
import type { CommandContext, CommandDef } from './types.js';
import { adoptReached, DEFAULT_PROPOSAL_TTL_HOURS, proposalRules } from './proposals.js';
import { shortId } from '../src/replies/proposals.js';
import { readSubscription } from '../src/state/writer.js';

/** The chat's settings as last changed: a change the store has not taken yet (a full disk) included. */
function current(ctx: CommandContext): Subscription {
  const { store, config } = ctx.services;
  return (
    readSubscription(store, ctx.chat.key) ?? {
      chat: ctx.chat.key,
      enabled: false,
      assets: [],
      families: [...config.alerts.families],
      minUsd: config.alerts.minUsd,
      updatedAt: ctx.now,
      ...(ctx.chat.target ? { target: ctx.chat.target } : {}),
    }
  );
}

/** How long proposals stay open, as the bot's windows are named: hours under a week (48h, 72h), whole days from it (14d, not 336h). */
function openFor(hours: number): string {
  return hours >= 7 * 24 && hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

/**
 * A chat's smallest cascade as it is kept: `usd` (`$5M`, `$1.5M`) where that says it exactly, else every dollar
 * (`$1,234,567`, not `$1.23M`), and cents a minimum kept before they were refused (`$1.5`, not `$2`).
 */
function minText(v: number): string {
  const short = usd(v);
  const back = parseUsd(short);
  if (back.ok && back.value === v) return short;
  const [whole, cents] = String(v).split('.');
  return `$${wholeDollars(Number(whole))}${cents ? `.${cents}` : ''}`;
}

/** Units a proposal's expiry may be typed in (`48h`, `48 hours`, `2d`, `2w`), in hours: whole hours, as it is kept. */
const EXPIRY_UNIT_HOURS: Record<string, number> = { h: 1, d: 24, w: 7 * 24 };

/** A Telegram forum topic as the bot names it (a thread id; General has none). */
const topicName = (target: string | undefined): string => (target === undefined ? 'General' : `topic ${target}`);

/**
 * Where the chat's alerts post, said from where the command was sent: a Discord channel by name, a Telegram topic as
 * this one, another one (its id) or the chat's General (asked from a topic). Nothing in a chat without topics.
 */
function postingTo(sub: Subscription, ctx: CommandContext): Line | undefined {
  const channel = sub.target?.startsWith('channel:') ? sub.target.slice(8) : undefined;
  if (channel) return ['Posting to: ', { text: `channel ${channel}`, channel }];
  const here = ctx.chat.target;
  if (ctx.chat.platform !== 'telegram' || sub.target === here) return sub.target === undefined ? undefined : ['Posting to: this topic'];
  if (sub.target === undefined) return ['Posting to: General, not this topic (/alerts on here moves them here)'];
  return [`Posting to: another topic (${topicName(sub.target)}; /alerts on here moves them here)`];
}

/**
 * Where the chat's alerts post once `/alerts on` runs: on Discord the alerts channel already set (/alerts channel
 * chooses it), else the channel it is run in; elsewhere where it is sent (a Telegram forum topic, or General).
 */
function targetOn(sub: Subscription, ctx: CommandContext): string | undefined {
  return ctx.chat.platform === 'discord' ? sub.target || ctx.chat.target : ctx.chat.target;
}

/** The channel `/alerts channel` names (`<#id>` as Discord's option gives it, or a bare id), as a subscription target. */
function namedChannel(raw: string): string | undefined {
  const id = /^<#(\d{5,25})>$/.exec(raw)?.[1] ?? (/^\d{5,25}$/.test(raw) ? raw : undefined);
  return id === undefined ? undefined : `channel:${id}`;
}

function statusReply(sub: Subscription, ctx: CommandContext, changed?: string): Reply {
  const lines = [
    [b(sub.enabled ? 'Alerts are ON' : 'Alerts are OFF'), changed ? ` · ${changed}` : ''],
    [`Assets: ${sub.assets.length ? sub.assets.join(', ') : 'all tracked'}`],
    // A chat hears a market-wide flush as one message, with the cascades inside it: every flush when it follows every
    // asset, those its assets led otherwise.
    [`Kinds: ${sub.families.map((f) => (f === 'cascade' ? (sub.assets.length ? 'liquidation cascades and the market-wide flushes they lead' : 'liquidation cascades and market-wide flushes') : 'level breaks')).join(', ') || 'none'}`],
    [`Smallest cascade posted: ${sub.minUsd > 0 ? minText(sub.minUsd) : 'any'}`],
  ];
  const votes = sub.proposals?.votesNeeded;
  lines.push([`Level proposals: ${votes !== undefined ? `adopted at ${votes} net 👍 or by an admin` : 'adopted by an admin'}, open ${openFor(sub.proposals?.ttlHours ?? DEFAULT_PROPOSAL_TTL_HOURS)}`]);
  // The digest is posted with the chat's alerts: switched on while they are off, it waits for them.
  lines.push([`Weekly digest: ${sub.digest ? (sub.enabled ? 'on' : 'on, posted once alerts are on') : 'off'}`]);
  const where = postingTo(sub, ctx);
  if (where) lines.push(where);
  return { title: ['Alerts'], blocks: [lines], tone: 'info' };
}

export const alerts: CommandDef = {
  name: 'alerts',
  description: "Show or change this chat's alerts",
  usage: [
    'alerts', 'alerts on', 'alerts off', 'alerts assets eth,btc', 'alerts kinds cascade', 'alerts min $5M', 'alerts channel #liquidations',
    'alerts votes 3', 'alerts expiry 48h', 'alerts digest on',
  ],
  guide: [
    ['Cascade', 'one asset’s liquidations on one side, in a few minutes, far above its normal; one post, edited as it runs, and a post when it is over.'],
    ['Market-wide flush', 'many assets at once, one post with the leaders (to chats that follow every asset, and those of the assets that led).'],
    ['Level', 'a candle close beyond a level this chat watches (several broken by one close are one post); a chopping level is said once, without a notification.'],
  ],
  subcommands: [
    { name: 'status', description: "Show this chat's alert settings", options: [] },
    { name: 'on', description: 'Post cascade and level alerts here', admin: true, private: true, options: [] },
    { name: 'off', description: 'Stop posting alerts here', admin: true, private: true, options: [] },
    {
      name: 'assets',
      description: 'Which assets to alert on',
      admin: true,
      private: true,
      options: [{ name: 'assets', description: 'Comma-separated assets, or all', kind: 'text', required: true, rest: true }],
    },
    {
      name: 'kinds',
      description: 'Which alerts: cascade, level or all',
      admin: true,
      private: true,
      options: [{ name: 'kinds', description: 'cascade, level or all', kind: 'text', required: true, choices: ['all', 'cascade', 'level'] }],
    },
    {
      name: 'min',
      description: 'Smallest cascade (USD) worth a post',
      admin: true,
      private: true,
      options: [{ name: 'usd', description: 'A dollar amount, e.g. $5M, $500K, 0 for any', kind: 'text', required: true, rest: true }],
    },
    {
      name: 'channel',
      description: 'Post alerts to this channel',
      admin: true,
      private: true,
      options: [{ name: 'channel', description: 'The alerts channel', kind: 'channel', required: true }],
    },
    {
      name: 'votes',
      description: 'Net 👍 votes that adopt a level proposal, or admin',
      admin: true,
      private: true,
      options: [{ name: 'votes', description: 'A number of votes (1-100), or admin (only admins adopt)', kind: 'text', required: true }],
    },
    {
      name: 'expiry',
      description: 'How long a level proposal stays open',
      admin: true,
      private: true,
      options: [{ name: 'hours', description: 'A time, e.g. 48h, 3d or 2w (1h to 14d)', kind: 'text', required: true, rest: true }],
    },
    {
      name: 'digest',
      description: "Post a weekly digest of this chat's levels, Mondays at midnight",
      admin: true,
      private: true,
      options: [{ name: 'on', description: 'on or off', kind: 'text', required: true, choices: ['on', 'off'] }],
    },
  ],
  // `/alerts off eth`, `/alerts on btc` (refused, never every alert turned off): one asset's alerts are the assets list.
  extraHint(args) {
    if (args.sub !== 'on' && args.sub !== 'off') return undefined;
    return args.sub === 'on'
      ? 'For some assets only: /alerts assets eth,btc, then /alerts on.'
      : 'To stop one asset\'s alerts, list the ones to keep: /alerts assets btc,sol. /alerts off stops them all.';
  },
  // The settings as the command reads them: a change held while the store refuses writes counts.
  postsTo(ctx, args) {
    const to = args.sub === 'on' ? targetOn(current(ctx), ctx) : args.sub === 'channel' ? namedChannel((args.values.channel ?? '').trim()) : undefined;
    return to === undefined ? [] : [to];
  },
  run(ctx, args): Reply {
    const { market } = ctx.services;
    const sub = current(ctx);
    const here = ctx.chat.target;
    const save = (changed: string) => {
      sub.updatedAt = ctx.now;
      ctx.services.apply({ kind: 'subscription.put', subscription: sub });
      return statusReply(sub, ctx, changed);
    };
    switch (args.sub ?? 'status') {
      case 'status':
        return statusReply(sub, ctx);
      case 'on': {
        sub.enabled = true;
        const was = sub.target;
        const to = targetOn(sub, ctx);
        if (to === undefined) delete sub.target;
        else sub.target = to;
        // Telegram: a move to this topic (or General) is said with where they were.
        if (was === sub.target || ctx.chat.platform !== 'telegram') return save('turned on');
        return save(`turned on; alerts now post to ${here === undefined ? 'General' : 'this topic'} (were: ${topicName(was)})`);
      }
      case 'off':
        sub.enabled = false;
        return save('turned off');
      case 'assets': {
        const raw = (args.values.assets ?? '').trim();
        if (raw.toLowerCase() === 'all') {
          sub.assets = [];
          return save('all assets');
        }
        const list: string[] = [];
        for (const word of raw.split(/[\s,]+/).filter(Boolean).slice(0, 50)) {
          const a = parseAsset(word, market.knownAssets());
          if (!a.ok) return errorReply(a.message);
          if (!list.includes(a.value)) list.push(a.value);
        }
        if (list.length === 0) return errorReply('Which assets? For example: /alerts assets eth,btc (or all)');
        sub.assets = list;
        return save(`assets ${list.join(', ')}`);
      }
      case 'kinds': {
        const raw = (args.values.kinds ?? '').trim().toLowerCase();
        const map: Record<string, AlertFamily[]> = { all: ['cascade', 'level'], cascade: ['cascade'], cascades: ['cascade'], level: ['level'], levels: ['level'] };
        const families = map[raw];
        if (!families) return errorReply(`Unknown kind ${quote(raw)}. Use cascade, level or all.`);
        sub.families = families;
        return save(`kinds ${raw}`);
      }
      case 'min': {
        const raw = (args.values.usd ?? '').trim();
        // "5m" is read as $5M (as it always was), but it is written back as $5M so nobody reads five minutes.
        if (/^\d+(\.\d+)?\s*(mins?|minutes?|h|hours?|s|secs?)$/i.test(raw)) {
          return errorReply(`/alerts min takes a dollar amount (the smallest cascade worth a post), not a time: for example $5M.`);
        }
        const v = parseUsd(raw);
        if (!v.ok) {
          // `/alerts min 5M please`: an amount and words it does not take, refused as the dispatcher refuses words
          // past a change's last option (a trailing unit, `5M usd`, is part of the amount).
          const words = raw.split(/\s+/);
          for (let k = words.length - 1; k >= 1; k--) {
            if (!parseUsd(words.slice(0, k).join(' ')).ok) continue;
            return errorReply(`${quote(words.slice(k).join(' '))} is more than /alerts min takes: nothing changed.`, 'Usage: /alerts min $5M.');
          }
          return errorReply(v.message);
        }
        sub.minUsd = v.value;
        return save(v.value === 0 ? 'any size' : `cascades from ${minText(v.value)}`);
      }
      case 'channel': {
        const raw = (args.values.channel ?? '').trim();
        const target = namedChannel(raw);
        if (ctx.chat.platform !== 'discord') return errorReply('Alerts go to the chat where /alerts on is sent. To use a channel, add the bot to it as an admin and send /alerts on there.');
        if (!target) return errorReply(`${quote(raw)} is not a channel. Pick one like #liquidations.`);
        sub.target = target;
        sub.enabled = true;
        return save('channel set, alerts on');
      }
      case 'votes': {
        const raw = (args.values.votes ?? '').trim().toLowerCase();
        if (raw === 'admin' || raw === 'admins' || raw === 'off') {
          sub.proposals = { ...sub.proposals };
          delete sub.proposals.votesNeeded;
          return save('only admins adopt proposals');
        }
        const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
        if (!(n >= 1 && n <= 100)) return errorReply(`${quote(raw)}: give a number of votes from 1 to 100, or admin.`);
        sub.proposals = { ...sub.proposals, votesNeeded: n };
        // Open proposals already past it are the group's vote under the new rule: adopted now, and said.
        const now = adoptReached(ctx, proposalRules(sub)).map((p) => `${shortId(p)} ${p.asset} ${levelText(p.level)}`);
        return save(`proposals adopted at ${n} net 👍${now.length ? `; adopted now: ${now.join(', ')}` : ''}`);
      }
      case 'expiry': {
        const raw = (args.values.hours ?? '').trim().toLowerCase();
        // Hours, days or weeks as windows are typed (parseWindow), a bare number in hours; said back in the unit typed.
        const m = /^(\d{1,5})\s*(h|hrs?|hours?|d|days?|w|wks?|weeks?)?$/.exec(raw);
        const unit = m?.[2]?.[0] ?? 'h';
        const hours = m ? Number(m[1]) * EXPIRY_UNIT_HOURS[unit]! : NaN;
        if (!(hours >= 1 && hours <= 14 * 24)) return errorReply(`${quote(raw)}: give a time from 1h to 14d, e.g. 48h.`);
        sub.proposals = { ...sub.proposals, ttlHours: hours };
        return save(`proposals open ${Number(m![1])}${unit}`);
      }
      case 'digest': {
        const raw = (args.values.on ?? '').trim().toLowerCase();
        if (raw !== 'on' && raw !== 'off') return errorReply('Weekly digest: on or off.');
        sub.digest = raw === 'on';
        return save(`weekly digest ${raw}`);
      }
      default:
        return errorReply(`Unknown option ${quote(args.sub ?? '')}.`, `Try: ${alerts.usage.map((u) => `/${u}`).join(' · ')}`);
    }
  },
};
