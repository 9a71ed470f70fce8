/**
 * What a member typed that the bot must not repeat in a public chat: a link (Telegram makes a bare domain clickable,
 * with a preview, so the bot would advertise for whoever typed it) or an @mention (which notifies whoever it names).
 * One rule for everything a member gives the bot: labels, reasons and tokens (commands/parse.ts) and names (proposals.ts).
 */

/**
 * A link. Proportionate on purpose, refusing what Telegram or Discord would link and no trader word:
 * - a scheme (`https:`, `mailto:`, `tg:`, anything before `://`) or `www.`;
 * - a bare domain: a letter or digit, a dot, then 2+ letters not followed by a letter or digit (`buy at scam.com now`,
 *   `see scam.io.`, `x.com!`, `pump.fun today`, `BIT.LY`, `t.me/x`). Telegram links every top-level domain IANA lists
 *   (some 1,500, `.fun`, `.today` and `.money` among them): too many to keep here, so any 2+ letters stand for one.
 *   Numbers (`2.5k`, `v2.0`, `0.95`), one-letter abbreviations (`a.m.`, `e.g.`, `BTC.D`) and pairs (`ETH/BTC`) stay;
 *   a missing space after a full stop (`low.retest`) reads as a domain, and the member is asked to say it in words.
 */
const LINK = /:\/\/|(?<![\p{L}\d])(?:https?|mailto|tg|tel):|www\.|[\p{L}\d-]\.\p{L}{2,}(?![\p{L}\d])/iu;
/**
 * An @mention: an @ before a letter or `_`, wherever it stands (`(@scam_bot)`, `dm:@whale`, `@@scam`; Telegram
 * notifies a member named so), and Discord's `<@…>`. A price after an @ (`entry @2300`) mentions nobody.
 */
const MENTION = /@[\p{L}_]|<@/u;

/**
 * The full stops a domain may be written with that are no ASCII dot: the ideographic (U+3002 `。`), full-width (U+FF0E
 * `．`) and half-width ideographic (U+FF61 `｡`) ones, which IDNA (RFC 3490 §3.1, UTS #46) maps to the dot between a
 * domain's labels: `scam。com` is scam.com. Counted as dots before a Latin letter or a digit, where a domain
 * would go on; before CJK text (`前高。阻力`) the ideographic one ends a sentence, as it does in a label written in
 * Chinese or Japanese, and stays.
 */
const OTHER_DOTS = /[\u3002\uFF0E\uFF61](?=[\p{Script=Latin}\d])/gu;

/**
 * The text as typed, as it shows once compatibility forms are folded (`ｓｃａｍ．ｃｏｍ` is scam.com), and with the
 * other full stops as dots (`OTHER_DOTS`).
 */
const forms = (text: string) => {
  const folded = text.normalize('NFKC');
  return [text, folded, folded.replace(OTHER_DOTS, '.')];
};

/** Whether the text holds a link, in any of its forms. */
export function holdsLink(text: string): boolean {
  return forms(text).some((f) => LINK.test(f));
}

/** What a member's text holds that the bot must not repeat: a link, a mention, or neither. */
export function linkOrMention(text: string): 'link' | 'mention' | undefined {
  if (holdsLink(text)) return 'link';
  return forms(text).some((f) => MENTION.test(f)) ? 'mention' : undefined;
}
