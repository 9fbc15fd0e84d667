// The one "latest wins" helper of the stores (src/store/latest-run.ts). Timers are vitest's fake
// ones: the debounce is checked by advancing them, never by waiting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { latestRunner, latestSlot, type RunTicket } from '../../src/store/latest-run.ts';

afterEach(() => vi.useRealTimers());

describe('latestSlot', () => {
  it('newer work makes older work stale and aborts its signal', () => {
    const slot = latestSlot();
    const older = slot.begin();
    expect(older.isCurrent()).toBe(true);
    const newer = slot.begin();
    expect(older.isCurrent()).toBe(false);
    expect(older.signal.aborted).toBe(true);
    expect(newer.isCurrent()).toBe(true);
    expect(newer.signal.aborted).toBe(false);
  });

  it('abort() asks the current work to stop but lets it record how it ended', () => {
    const slot = latestSlot();
    const ticket = slot.begin();
    slot.abort();
    expect(ticket.signal.aborted).toBe(true);
    expect(ticket.isCurrent()).toBe(true);
  });

  it('cancel() makes all work so far stale; work begun later is current', () => {
    const slot = latestSlot();
    const ticket = slot.begin();
    slot.cancel();
    expect(ticket.isCurrent()).toBe(false);
    expect(ticket.signal.aborted).toBe(true);
    expect(slot.begin().isCurrent()).toBe(true);
    slot.cancel();
    slot.cancel(); // nothing running: harmless
  });
});

describe('latestRunner', () => {
  const recorder = () => {
    const tickets: RunTicket[] = [];
    return { tickets, run: async (ticket: RunTicket) => void tickets.push(ticket) };
  };

  it('schedule() waits for a pause; a newer call restarts the wait; only the last runs', () => {
    vi.useFakeTimers();
    const { tickets, run } = recorder();
    const runner = latestRunner(run);
    runner.schedule(250);
    vi.advanceTimersByTime(200);
    runner.schedule(250);
    vi.advanceTimersByTime(200);
    expect(tickets).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.isCurrent()).toBe(true);
  });

  it('now() runs at once, drops a scheduled run and makes the running one stale', async () => {
    vi.useFakeTimers();
    const { tickets, run } = recorder();
    const runner = latestRunner(run);
    await runner.now();
    runner.schedule(250);
    await runner.now();
    vi.advanceTimersByTime(1_000);
    expect(tickets).toHaveLength(2);
    expect(tickets[0]!.isCurrent()).toBe(false);
    expect(tickets[0]!.signal.aborted).toBe(true);
    expect(tickets[1]!.isCurrent()).toBe(true);
  });

  it('cancel() drops a scheduled run and makes the running one stale', async () => {
    vi.useFakeTimers();
    const { tickets, run } = recorder();
    const runner = latestRunner(run);
    await runner.now();
    runner.schedule(0);
    runner.cancel();
    vi.advanceTimersByTime(1_000);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.isCurrent()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
