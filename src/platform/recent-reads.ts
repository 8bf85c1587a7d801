interface Entry<V> {
  read: Promise<V>;
  /** Until when the read's answer stands; while it is under way, every lookup of the key waits for it. */
  until: number;
}

export interface RecentReadsOptions<V> {
  /** How long an answer stands, counted from the start of the read that gave it. */
  ttlMs: number;
  /** At most this many keys held; past it the oldest goes. */
  max: number;
  /** Which answers are kept (a lookup that found nothing, say, is read again next time). */
  keeps: (value: V) => boolean;
}

/**
 * Answers of a database read from the last `ttlMs`, by key, and the reads under way: lookups that come during
 * a read share it rather than each reading. For rows every request reads and that rarely change; a process
 * that changes one forgets it (`forget`, `forgetAll`), and a read under way then is not kept, so the change
 * shows here at once. A change made by another process shows within `ttlMs`.
 */
export class RecentReads<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly options: RecentReadsOptions<V>) {}

  lookup(key: string, read: () => Promise<V>, now = Date.now()): Promise<V> {
    const known = this.entries.get(key);
    if (known && known.until > now) return known.read;
    if (this.entries.size >= this.options.max) this.entries.delete(this.entries.keys().next().value as string);
    const entry: Entry<V> = { read: read(), until: Number.POSITIVE_INFINITY };
    this.entries.set(key, entry);
    const current = () => this.entries.get(key) === entry;
    entry.read.then(
      (value) => {
        if (!current()) return;
        if (this.options.keeps(value)) entry.until = now + this.options.ttlMs;
        else this.entries.delete(key);
      },
      () => {
        if (current()) this.entries.delete(key);
      },
    );
    return entry.read;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetAll(): void {
    this.entries.clear();
  }
}
