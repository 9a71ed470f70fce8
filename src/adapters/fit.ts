/**
 * A reply's sections (a title, blocks, fields, a footer: each a list of lines) shortened to `max` characters, saying
 * what they leave out, for a platform that must show it in one message (a Telegram edit in place, a Discord message's
 * embeds). First whole lines go from the end of the longest sections (each keeps its first line and says how many it
 * left out, on a line of its own); if that is not enough, whole sections before the last, from the end backwards,
 * said in one line where they were. The first and the last sections (a headline; a closing reading or footer) stay.
 * Lines count `lineLength` characters, joined by a newline within a section and a blank line between sections. The
 * result may still be too long when a single line is longer than all the room: the caller clips or gives up.
 */
export function fitSections<L>(sections: readonly L[][], max: number, lineLength: (l: L) => number, leftOut: (lines: number) => L): L[][] {
  const sectionLength = (s: readonly L[]) => sectionsLength([s], lineLength);
  const textLength = (ss: readonly L[][]) => sectionsLength(ss, lineLength);
  const last = sections.length - 1;
  const kept = sections.map((s) => s.length);
  const shown = (i: number): L[] => (kept[i]! < sections[i]!.length ? [...sections[i]!.slice(0, kept[i]), leftOut(sections[i]!.length - kept[i]!)] : sections[i]!);
  const lengths = sections.map((_, i) => sectionLength(shown(i)));
  while (lengths.reduce((a, n) => a + n, 0) + 2 * last > max) {
    let longest = -1;
    lengths.forEach((n, i) => {
      if (kept[i]! > 1 && (longest < 0 || n > lengths[longest]!)) longest = i;
    });
    if (longest < 0) break;
    kept[longest] = kept[longest]! - 1;
    lengths[longest] = sectionLength(shown(longest));
  }
  const layout = (from: number): L[][] => {
    if (from >= last) return sections.map((_, i) => shown(i));
    const lines = sections.slice(from, last).reduce((n, s) => n + s.length, 0);
    return [...sections.slice(0, from).map((_, i) => shown(i)), [leftOut(lines)], shown(last)];
  };
  let from = last;
  while (from > 1 && textLength(layout(from)) > max) from--;
  return layout(from);
}

/** The characters `sections` take once joined as `fitSections` counts them. */
export function sectionsLength<L>(sections: readonly (readonly L[])[], lineLength: (l: L) => number): number {
  return sections.reduce((n, s) => n + s.reduce((m, l) => m + lineLength(l), 0) + s.length - 1, 0) + 2 * Math.max(0, sections.length - 1);
}

/**
 * The line saying what a shortened reply left out, in the same words on every platform: "… 140 more lines not shown
 * (too long for Discord)", or where to read them when a command shows more ("… 21 more lines: /levels ETH").
 */
export function leftOutWords(count: number, noun: string, why?: string, command?: string): string {
  const what = `… ${count} more ${noun}${count === 1 ? '' : 's'}`;
  return command ? `${what}: /${command}` : `${what} not shown${why ? ` (${why})` : ''}`;
}
