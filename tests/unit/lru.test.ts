// The one LRU (src/core/lru.ts): eviction order, the entry and weight budgets, refresh on get.
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/core/lru.ts';

describe('Lru', () => {
  it('evicts the least recently set entry first', () => {
    const lru = new Lru<string, number>({ maxEntries: 3 });
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const)
      lru.set(k, v);
    expect(lru.has('a')).toBe(false);
    expect(['b', 'c', 'd'].map((k) => lru.get(k))).toEqual([2, 3, 4]);
    expect(lru.size).toBe(3);
  });

  it('get refreshes an entry; has does not', () => {
    const lru = new Lru<string, number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.has('b')).toBe(false);
    expect(lru.has('a')).toBe(true);
    expect(lru.has('a')).toBe(true); // still only peeked: 'a' stays the older of the two
    lru.set('d', 4);
    expect(lru.has('a')).toBe(false);
    expect(lru.has('c')).toBe(true);
  });

  it('setting a kept key replaces its value and makes it the most recent', () => {
    const lru = new Lru<string, number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(10);
    expect(lru.has('b')).toBe(false);
  });

  it('keeps the total weight within the budget, evicting as many old entries as needed', () => {
    const lru = new Lru<string, Uint8Array>({ maxWeight: 100, weigh: (v) => v.byteLength });
    lru.set('a', new Uint8Array(40));
    lru.set('b', new Uint8Array(40));
    expect(lru.weight).toBe(80);
    lru.set('c', new Uint8Array(90));
    expect(lru.has('a')).toBe(false);
    expect(lru.has('b')).toBe(false);
    expect(lru.has('c')).toBe(true);
    expect(lru.weight).toBe(90);
    lru.set('c', new Uint8Array(10));
    expect(lru.weight).toBe(10);
  });

  it('does not store a value heavier than the whole budget, and keeps what it had', () => {
    const lru = new Lru<string, Uint8Array>({ maxWeight: 100, weigh: (v) => v.byteLength });
    lru.set('a', new Uint8Array(50));
    expect(lru.set('b', new Uint8Array(101))).toBe(false);
    expect(lru.has('b')).toBe(false);
    expect(lru.has('a')).toBe(true);
    expect(lru.weight).toBe(50);
  });

  it('applies both budgets together', () => {
    const lru = new Lru<string, number>({ maxEntries: 3, maxWeight: 10, weigh: (v) => v });
    lru.set('a', 1);
    lru.set('b', 1);
    lru.set('c', 1);
    lru.set('d', 1); // over the count: 'a' goes
    expect(lru.has('a')).toBe(false);
    lru.set('e', 9); // over both: 'b' for the count, then 'c' for the weight
    expect(['b', 'c', 'd', 'e'].map((k) => lru.has(k))).toEqual([false, false, true, true]);
    expect(lru.weight).toBe(10);
  });

  it('delete and clear keep the weight right', () => {
    const lru = new Lru<string, number>({ maxWeight: 10, weigh: (v) => v });
    lru.set('a', 3);
    lru.set('b', 4);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    expect(lru.weight).toBe(4);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.weight).toBe(0);
    expect(lru.get('b')).toBeUndefined();
  });
});
