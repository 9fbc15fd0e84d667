// Stopping long work at its next step when the caller aborted it.
import { RuntimeError, cancelledError } from './errors.ts';

/**
 * Throws when `signal` was aborted: the abort reason when it is a RuntimeError (e.g. 'superseded'),
 * otherwise a 'cancelled' error that says `what` was stopped.
 */
export function checkSignal(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof RuntimeError) throw reason;
    throw cancelledError(what);
  }
}
