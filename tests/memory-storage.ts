// An in-memory Storage (localStorage's interface) for the stores in Node. It counts reads and
// writes per key, and can refuse writes like a full browser storage: a value over `quotaBytes`, or
// a write that would make all keys and values together longer than `quotaChars` (as browsers count
// localStorage: UTF-16 characters of keys and values, per origin).
export class MemoryStorage implements Storage {
  readonly data = new Map<string, string>();
  readonly reads = new Map<string, number>();
  readonly writes = new Map<string, number>();

  constructor(private readonly options: { quotaBytes?: number; quotaChars?: number } = {}) {}

  /** Characters held now (keys and values). */
  get usedChars(): number {
    let n = 0;
    for (const [k, v] of this.data) n += k.length + v.length;
    return n;
  }

  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(key: string) {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return this.data.get(key) ?? null;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
  setItem(key: string, value: unknown) {
    if (this.options.quotaBytes !== undefined && String(value).length > this.options.quotaBytes) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    if (this.options.quotaChars !== undefined) {
      const old = this.data.get(key);
      const after =
        this.usedChars - (old === undefined ? 0 : key.length + old.length) + key.length + String(value).length;
      if (after > this.options.quotaChars) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    this.data.set(key, String(value)); // like the real Storage, which stores any value as a string
  }
}
