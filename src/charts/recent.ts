/**
 * Renders kept by key: one render per key shared by every reply or post that shows it, the last `size` kept, and a
 * failed one forgotten so the next ask tries again. The chart service's replies and the digest posts use it.
 */
export class RecentRenders<T> {
  private readonly kept = new Map<string, Promise<T>>();

  constructor(private readonly size: number) {}

  get(key: string, render: () => Promise<T>): Promise<T> {
    const hit = this.kept.get(key);
    if (hit) return hit;
    const made = render();
    this.kept.set(key, made);
    if (this.kept.size > this.size) this.kept.delete(this.kept.keys().next().value!);
    made.catch(() => this.kept.get(key) === made && this.kept.delete(key));
    return made;
  }
}
