/**
 * A bounded map for the mock's memos (tools/servers/verdict-memo.ts, tools/servers/answer-memo.ts): at most
 * `maxEntries` entries and `maxSize` units of size (each entry's size as its caller counts it, e.g. the
 * characters of its key and text), the least recently used dropped first. A memo that could grow
 * without bound would let a client that never repeats itself fill the mock's memory.
 *
 * Inputs: string keys, values, sizes. Outputs: the value kept under a key (reading it makes it the most
 * recently used), or undefined. An entry larger than `maxSize` on its own is not kept.
 */
export class Lru<V> {
  // A Map iterates in insertion order: the first key is the least recently used.
  private readonly entries = new Map<string, { value: V; size: number }>();
  private used = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, size = 0): void {
    this.delete(key);
    if (size > this.maxSize) return;
    this.entries.set(key, { value, size });
    this.used += size;
    while (this.entries.size > this.maxEntries || this.used > this.maxSize) {
      this.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.used -= entry.size;
  }

  /** The number of entries kept. */
  get size(): number {
    return this.entries.size;
  }
}
