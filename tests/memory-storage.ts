/** An in-memory localStorage for store tests in Node (install it before the stores are imported: they read it on import). */
export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: unknown) {
    this.map.set(key, String(value)); // like the real Storage, which stores any value as a string
  }
}
