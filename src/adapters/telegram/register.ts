/**
 * The command menu Telegram shows when a user types "/", generated from the same `commands/` modules every
 * platform runs, and its registration (`setMyCommands`) when the bot starts.
 */
import { ALL_COMMANDS } from '../../../commands/index.js';
import type { CommandDef } from '../../../commands/types.js';
import { logger } from '../../log.js';
import type { TelegramSender } from './sender.js';

const log = logger('telegram');

/** `/start` is what Telegram's Start button sends; it needs no place in the menu. */
const NOT_IN_MENU = new Set(['start']);

/** Telegram's BotCommand list: names of 1–32 lower-case letters, digits or underscores; descriptions of 1–256 characters. */
export function commandMenu(commands: readonly CommandDef[] = ALL_COMMANDS): { command: string; description: string }[] {
  return commands
    .filter((c) => !NOT_IN_MENU.has(c.name) && /^[a-z0-9_]{1,32}$/.test(c.name))
    .map((c) => ({ command: c.name, description: (c.description || c.name).slice(0, 256) }));
}

/** Register the menu; a failure is logged, not fatal (typed commands work without it). */
export async function registerCommands(sender: TelegramSender): Promise<void> {
  const commands = commandMenu();
  try {
    await sender.call('setMyCommands', (tg) => tg.setMyCommands(commands));
  } catch (err) {
    log.warn({ err }, 'could not register the command menu; commands still work when typed');
  }
}
