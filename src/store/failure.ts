// How a failure of the runtime (or of anything else the stores await) is kept in state: the
// runtime's error code and message when it is a RuntimeError, else 'unknown' and the message.
import { RuntimeError } from '../runtime/errors.ts';

export interface RuntimeFailure {
  code: string;
  message: string;
  detail?: string;
  /** The model file the failure is about, and where the model comes from (runtime errors.ts). */
  file?: string;
  where?: string;
}

export function toFailure(error: unknown): RuntimeFailure {
  if (error instanceof RuntimeError)
    return {
      code: error.code,
      message: error.message,
      ...(error.detail ? { detail: error.detail } : {}),
      ...(error.file ? { file: error.file } : {}),
      ...(error.where ? { where: error.where } : {}),
    };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}
