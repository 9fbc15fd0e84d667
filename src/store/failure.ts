// How a failure of the runtime (or of anything else the stores await) is kept in state: the
// runtime's error code and message when it is a RuntimeError, else 'unknown' and the message.
import { RuntimeError } from '../runtime/errors.ts';

export interface RuntimeFailure {
  code: string;
  message: string;
  detail?: string;
}

export function toFailure(error: unknown): RuntimeFailure {
  if (error instanceof RuntimeError)
    return { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}
