// Giving the host a turn: ordering only, never time.
import { afterEach, describe, expect, it } from 'vitest';
import { yieldToEventLoop } from '../../src/core/scheduling.ts';

/** Which of a yield and a queued microtask finishes first. */
async function firstToFinish(): Promise<string[]> {
  const order: string[] = [];
  const yielded = yieldToEventLoop().then(() => order.push('yield'));
  void Promise.resolve().then(() => order.push('microtask'));
  await yielded;
  return order;
}

describe('yieldToEventLoop', () => {
  const g = globalThis as { setImmediate?: unknown };
  const savedSetImmediate = g.setImmediate;
  afterEach(() => {
    g.setImmediate = savedSetImmediate;
  });

  it('resolves on a later macrotask: queued microtasks run first', async () => {
    expect(await firstToFinish()).toEqual(['microtask', 'yield']);
  });

  it('falls back to a MessageChannel message where there is no setImmediate (browsers)', async () => {
    g.setImmediate = undefined;
    expect(await firstToFinish()).toEqual(['microtask', 'yield']);
  });
});
