/** A Telegram chat that records what it saw: posts and edits, by the first line of their text (the restart tests). */
import type { ChatAdapter, DeliveryResult } from '../../src/adapters/contract.js';
import { replyText, type Reply } from '../../src/replies/reply.js';

/** What a chat saw: posts and edits, by the first line of their text. */
export interface Seen {
  edit?: string;
  head: string;
  text: string;
}

export function recorder(): ChatAdapter & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    platform: 'telegram', seen,
    async start() {}, async stop() {},
    async deliver(_to, reply: Reply, editRef?: string): Promise<DeliveryResult> {
      const text = replyText(reply);
      seen.push({ head: text.split('\n')[0] ?? '', text, ...(editRef ? { edit: editRef } : {}) });
      return { ok: true, messageRef: editRef ?? `m${seen.length}` };
    },
  };
}
