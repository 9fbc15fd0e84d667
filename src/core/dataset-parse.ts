// Dataset text → Dataset: the format (given, by file extension or by content), the size limit, and
// parsing in one go (CLI, tests) or in slices that let the page breathe (browser).

import Papa from 'papaparse';
import { issue } from './issues.ts';
import { MAX_DATASET_CHARS, type DatasetFormat, type DatasetParse, type ParseDatasetOptions } from './dataset.ts';
import {
  DelimitedCollector,
  finishDelimited,
  finishJsonl,
  hasQuoteError,
  JsonlCollector,
  papaConfig,
  physicalLines,
  type StepResult,
} from './dataset-readers.ts';

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The format of a dataset: by file extension first (.csv, .tsv/.tab, .jsonl/.ndjson), else by
 * content: a first line that starts with "{" is JSONL; tabs without commas in the first line mean TSV.
 */
export function detectFormat(text: string, fileName?: string): DatasetFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  const body = stripBom(text).replace(/^\s+/, '');
  if (body.startsWith('{')) return 'jsonl';
  const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > commas ? 'tsv' : 'csv';
}

/** Lets a long parse give the page a chance to breathe (see parseDatasetAsync). */
export interface ParseScheduler {
  /** True when the current slice has run long enough. */
  shouldYield(): boolean;
  /** Resolves when parsing may go on. */
  yieldNow(): Promise<void>;
  /** Fraction of the text read so far (0–1). */
  onProgress?(fraction: number): void;
  /** Stops parsing (the promise rejects with an Error named AbortError). */
  signal?: AbortSignal;
}

function abortError(): Error {
  const error = new Error('Parsing was cancelled.');
  error.name = 'AbortError';
  return error;
}

function tooLarge(text: string): DatasetParse | null {
  if (text.length <= MAX_DATASET_CHARS) return null;
  return {
    ok: false,
    error: issue('data-too-large', 'error', { length: text.length, max: MAX_DATASET_CHARS }),
  };
}

/** Parses a dataset in one go (CLI, tests). Never throws. */
export function parseDataset(input: string, options: ParseDatasetOptions = {}): DatasetParse {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const text = stripBom(String(input ?? ''));
  const big = tooLarge(text);
  if (big) return big;
  const format = !options.format || options.format === 'auto' ? detectFormat(text, options.fileName) : options.format;
  if (format === 'jsonl') {
    const collector = new JsonlCollector();
    for (const l of physicalLines(text)) collector.add(l.text, l.line);
    return finishJsonl(collector, text);
  }
  const collector = new DelimitedCollector(text);
  Papa.parse<string[]>(text, {
    ...papaConfig(format),
    step: (result: StepResult) => collector.add(result.data, result.meta.cursor, hasQuoteError(result)),
  });
  return finishDelimited(format, collector, text);
}

/**
 * Like parseDataset, in slices: whenever `scheduler.shouldYield()` says so, parsing pauses until
 * `scheduler.yieldNow()` resolves, so the page stays responsive for large files.
 */
export async function parseDatasetAsync(
  input: string,
  options: ParseDatasetOptions,
  scheduler: ParseScheduler,
): Promise<DatasetParse> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const text = stripBom(String(input ?? ''));
  const big = tooLarge(text);
  if (big) return big;
  const format = !options.format || options.format === 'auto' ? detectFormat(text, options.fileName) : options.format;
  const { signal } = scheduler;
  if (signal?.aborted) throw abortError();

  if (format === 'jsonl') {
    const collector = new JsonlCollector();
    for (const l of physicalLines(text)) {
      collector.add(l.text, l.line);
      if (scheduler.shouldYield()) {
        scheduler.onProgress?.(l.end / Math.max(1, text.length));
        await scheduler.yieldNow();
        if (signal?.aborted) throw abortError();
      }
    }
    scheduler.onProgress?.(1);
    return finishJsonl(collector, text);
  }

  const collector = new DelimitedCollector(text);
  // After a pause papaparse resumes on the rest of the text and counts cursors from there, so we
  // keep the absolute offset where the current run started.
  let base = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(text, {
      ...papaConfig(format),
      step: (result: StepResult, parser: Papa.Parser) => {
        const end = base + result.meta.cursor;
        collector.add(result.data, end, hasQuoteError(result));
        if (!scheduler.shouldYield() || end >= text.length) return;
        parser.pause();
        base = end;
        scheduler.onProgress?.(end / Math.max(1, text.length));
        scheduler.yieldNow().then(
          () => {
            if (signal?.aborted) {
              parser.abort();
              reject(abortError());
            } else parser.resume();
          },
          (error: unknown) => {
            parser.abort();
            reject(error);
          },
        );
      },
      complete: () => {
        if (!signal?.aborted) resolve();
      },
      error: (error: Error) => reject(error),
    });
  });
  scheduler.onProgress?.(1);
  return finishDelimited(format, collector, text);
}
