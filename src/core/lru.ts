// The one least-recently-used cache of the app (runtime, core and store use it): bounded by an entry
// count, a total weight (e.g. bytes), or both. A hit moves the entry to the back; the front goes
// first. Pure TypeScript.

export interface LruLimits<V> {
  /** Most entries kept (default: unbounded). */
  maxEntries?: number;
  /** Most total weight kept, as measured by `weigh` (default: unbounded). */
  maxWeight?: number;
  /** An entry's weight (default 1). A value heavier than `maxWeight` on its own is not stored. */
  weigh?: (value: V) => number;
}

export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private readonly weigh: (value: V) => number;

  constructor(limits: LruLimits<V>) {
    this.maxEntries = limits.maxEntries ?? Infinity;
    this.maxWeight = limits.maxWeight ?? Infinity;
    this.weigh = limits.weigh ?? (() => 1);
  }

  get size(): number {
    return this.map.size;
  }

  /** Total weight of the entries kept. */
  get weight(): number {
    return this.total;
  }

  /** The value, made the most recently used. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Whether the key is kept, without touching its recency. */
  has(key: K): boolean {
    return this.map.has(key);
  }

  /**
   * Stores the value as the most recently used, then evicts from the least recently used end until
   * both limits hold. Returns false (and changes nothing) when the value alone outweighs `maxWeight`.
   */
  set(key: K, value: V): boolean {
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return false;
    this.delete(key);
    this.map.set(key, { value, weight });
    this.total += weight;
    for (const [k, entry] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxWeight) break;
      this.map.delete(k);
      this.total -= entry.weight;
    }
    return true;
  }

  delete(key: K): boolean {
    const entry = this.map.get(key);
    if (!entry) return false;
    this.map.delete(key);
    this.total -= entry.weight;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
