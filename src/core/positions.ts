// Offsets → line/column for messages. Built once per source so that a parser reporting many
// problems stays linear (a scan per problem would be quadratic: seconds for a 32k-character
// template of "[").

export interface LineColumn {
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units). */
  column: number;
}

export interface LineIndex {
  /** Line and column of a UTF-16 offset; offsets past the end clamp to the end. */
  at(offset: number): LineColumn;
  /** The number of lines (a source without "\n" has one). */
  readonly lines: number;
  /** Offset where each line starts. */
  readonly lineStarts: readonly number[];
}

export function lineIndex(source: string): LineIndex {
  const lineStarts: number[] = [0];
  for (let k = 0; k < source.length; k++) if (source.charCodeAt(k) === 10 /* \n */) lineStarts.push(k + 1);
  return {
    lines: lineStarts.length,
    lineStarts,
    at(offset: number): LineColumn {
      const end = Math.max(0, Math.min(offset, source.length));
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= end) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: end - lineStarts[lo]! + 1 };
    },
  };
}
