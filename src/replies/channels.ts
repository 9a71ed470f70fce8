/**
 * What a server's channels refuse, said: a settings command where the chat keeps no settings (a Discord DM), and a
 * channel a command would point alerts at where the bot may not post (the dispatcher words what the platform found).
 */
import { errorReply, type Reply } from './reply.js';

/** `/level` or `/alerts` in a chat that keeps no settings of its own. */
export function serverOnlyReply(command: string): Reply {
  return errorReply(`/${command} works in a server, for that server's channels.`, 'Run it in your server; here you can use /liqs, /levels and /oi.');
}

/** Why the bot may not post alerts to a channel, as the platform found it. */
export type ChannelProblem = { problem: 'unchecked' } | { problem: 'elsewhere' } | { problem: 'missing'; permissions: readonly string[] };

/** The refusal of `/alerts on` or `/alerts channel` (`commandLine`, to run again once fixed) for the channel's problem; nothing changed. */
export function channelRefusedReply(name: string, found: ChannelProblem, commandLine: string): Reply {
  switch (found.problem) {
    case 'unchecked':
      return errorReply(`I could not check ${name} with Discord just now.`, 'Try again in a moment.');
    case 'elsewhere':
      return errorReply(`${name} is not a channel of this server.`, "Pick one of this server's channels.");
    case 'missing': {
      const many = found.permissions.length > 1;
      return errorReply(
        `I can't post in ${name}: missing ${found.permissions.join(', ')}.`,
        `Give liqbot ${many ? 'these permissions' : 'this permission'} in the channel's settings (Permissions) or on its role, then run ${commandLine} again.`,
      );
    }
  }
}

/** A channel named without its name: the one the command was run in, else the one alerts are to post to. */
export const unnamedChannel = (here: boolean): string => (here ? 'this channel' : 'the alerts channel');
