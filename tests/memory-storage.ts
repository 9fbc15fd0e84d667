// An in-memory Storage (localStorage's interface) for the stores in Node. It counts reads and
// writes per key, and can refuse writes over a size like a full browser storage.
export class MemoryStorage implements Storage {
  readonly data = new Map<string, string>();
  readonly reads = new Map<string, number>();
  readonly writes = new Map<string, number>();

  constructor(private readonly options: { quotaBytes?: number } = {}) {}

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
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    this.data.set(key, String(value)); // like the real Storage, which stores any value as a string
  }
}
