// The CLI's contact with the file system and the terminal: input files are checked before they are
// read (a regular file, of a bounded size, valid UTF-8), output files before the run starts (never a
// folder, never one of the inputs), and text that came from the data is made harmless before it
// reaches a terminal.

import { realpathSync, statSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { MAX_DATASET_CHARS } from '../core/dataset.ts';

/** A problem with what the user asked for: printed as is, exit status 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Bytes read at most from one input file (UTF-8 takes up to 4 bytes a character; the parser's limit is in characters). */
export const MAX_INPUT_BYTES = MAX_DATASET_CHARS;

export interface InputFile {
  text: string;
  name: string;
  /** Absolute, symlinks resolved: to tell whether an output path would overwrite it. */
  realPath: string;
  /** Bytes that are not UTF-8 (decoded as U+FFFD): the first line with such bytes (1-based) and how many lines have them. */
  invalidUtf8: { firstLine: number; count: number } | null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Reads a user-named input file: refuses folders, devices, FIFOs and files over MAX_INPUT_BYTES. */
export function readInputFile(path: string, what: string, cwd: string): InputFile {
  const full = resolve(cwd, path);
  if (!existsSync(full)) throw new InputError(`The ${what} file "${path}" does not exist.`);
  const stats = statSync(full);
  if (stats.isDirectory()) throw new InputError(`The ${what} path "${path}" is a folder, not a file.`);
  if (!stats.isFile())
    throw new InputError(`The ${what} path "${path}" is not a regular file (a device, pipe or socket can't be read).`);
  if (stats.size > MAX_INPUT_BYTES)
    throw new InputError(
      `The ${what} file "${path}" is too large (${stats.size.toLocaleString('en')} bytes; at most ${MAX_INPUT_BYTES.toLocaleString('en')}).`,
    );
  const bytes = readFileSync(full);
  const text = decoder.decode(bytes);
  return { text, name: basename(full), realPath: realpathSync(full), invalidUtf8: findInvalidUtf8(bytes, text) };
}

/** Lines holding bytes that are not UTF-8 (a newline byte never occurs inside a UTF-8 sequence). */
function findInvalidUtf8(bytes: Uint8Array, text: string): InputFile['invalidUtf8'] {
  if (!text.includes('\uFFFD')) return null;
  const strict = new TextDecoder('utf-8', { fatal: true });
  let firstLine = 0;
  let count = 0;
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 10) continue;
    try {
      strict.decode(bytes.subarray(start, i));
    } catch {
      count++;
      if (firstLine === 0) firstLine = line;
    }
    line++;
    start = i + 1;
  }
  return count === 0 ? null : { firstLine, count };
}

/**
 * Checks an output path before any work is done, so that a long run never ends in a stack trace
 * or overwrites its own input: the folder must exist, the path must not be a folder, and it must
 * not be any of the input files (symlinks and relative paths resolved).
 */
export function checkOutputPath(path: string, what: string, cwd: string, inputs: readonly InputFile[]): string {
  const full = resolve(cwd, path);
  const folder = dirname(full);
  if (!existsSync(folder)) throw new InputError(`The folder for the ${what} file "${path}" does not exist.`);
  if (!statSync(folder).isDirectory())
    throw new InputError(`"${dirname(path)}" is not a folder (${what} file "${path}").`);
  if (existsSync(full)) {
    const stats = statSync(full);
    if (stats.isDirectory()) throw new InputError(`The ${what} path "${path}" is a folder; name a file inside it.`);
    const real = realpathSync(full);
    const clash = inputs.find((input) => input.realPath === real);
    if (clash)
      throw new InputError(`The ${what} file "${path}" is the input file "${clash.name}"; choose another name.`);
    if (!stats.isFile()) throw new InputError(`The ${what} path "${path}" is not a regular file.`);
  }
  return full;
}

/** Writes an output file checked by checkOutputPath; a failure is an InputError with the reason. */
export function writeOutputFile(full: string, shownPath: string, text: string): void {
  try {
    writeFileSync(full, text, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new InputError(`Could not write "${shownPath}" (${reason}).`);
  }
}

/**
 * Text from the data made safe for a terminal: control characters (C0 but tab and newline, DEL,
 * C1 — ESC sequences can move the cursor, retitle the window or worse) become visible escapes.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  });
}
