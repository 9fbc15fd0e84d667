// A small reader for the Python literals that prompt-learning tools put in their configs:
// LM-BFF's label mapping "{'0':'terrible','1':'great'}" (also with int keys: {0:'terrible'}),
// OpenPrompt's label words {"negative": ["bad"], "positive": ["good", "great"]} and the inside of
// its template blocks {"placeholder":"text_a", "shortenable": False}. JSON is a subset.
//
// Only data is read — strings, numbers, True/False/None, lists, tuples, dicts and sets; nothing is
// evaluated. A value that is not a literal (e.g. a lambda) can be captured as raw source text where
// the caller allows it (`rawValues`).

export type PyValue = string | number | boolean | null | PyValue[] | PyDict | PyRaw;
export interface PyDict {
  kind: 'dict';
  /** Entries in source order; a set's members have `value: undefined`. */
  entries: { key: string | number; value: PyValue | undefined }[];
}
export interface PyRaw {
  kind: 'raw';
  /** Source text of a non-literal value, trimmed. */
  source: string;
}

export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PyLiteralError';
  }
}

export interface PyReadOptions {
  /** Inside a dict, a value that is not a literal is kept as raw source up to the next top-level "," or "}". */
  rawValues?: boolean;
}

export function isPyDict(v: unknown): v is PyDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'dict';
}
export function isPyRaw(v: unknown): v is PyRaw {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'raw';
}

/** Reads one literal filling the whole text (surrounding spaces allowed). Throws PyLiteralError. */
export function readPyLiteral(text: string, options: PyReadOptions = {}): PyValue {
  const reader = new Reader(text, options);
  reader.space();
  const value = reader.value();
  reader.space();
  if (reader.i < text.length)
    throw new PyLiteralError(
      `Unexpected text at character ${reader.i + 1}: "${text.slice(reader.i, reader.i + 12)}".`,
      reader.i,
    );
  return value;
}

/** Like readPyLiteral, but never throws. */
export function tryReadPyLiteral(
  text: string,
  options: PyReadOptions = {},
): { ok: true; value: PyValue } | { ok: false; message: string } {
  try {
    return { ok: true, value: readPyLiteral(text, options) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

class Reader {
  i = 0;
  private depth = 0;
  constructor(
    private readonly s: string,
    private readonly options: PyReadOptions,
  ) {}

  space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private fail(message: string): never {
    throw new PyLiteralError(`${message} (at character ${this.i + 1}).`, this.i);
  }

  value(): PyValue {
    if (++this.depth > 64) this.fail('Nested too deeply');
    try {
      this.space();
      const c = this.s[this.i];
      if (c === undefined) this.fail('Unexpected end of text');
      if (c === '"' || c === "'") return this.string();
      if (c === '{') return this.dict();
      if (c === '[') return this.list(']');
      if (c === '(') return this.list(')');
      if (/[-+0-9.]/.test(c)) return this.number();
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
      if (word === 'True' || word === 'true') return this.take(word, true);
      if (word === 'False' || word === 'false') return this.take(word, false);
      if (word === 'None' || word === 'null') return this.take(word, null);
      return this.fail(`Expected a value, found "${this.s.slice(this.i, this.i + 12)}"`);
    } finally {
      this.depth--;
    }
  }

  private take<T>(word: string, value: T): T {
    this.i += word.length;
    return value;
  }

  private number(): number {
    const m = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/.exec(this.s.slice(this.i));
    if (!m) this.fail('Expected a number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  string(): string {
    // Python string prefixes (r, u, b, f) are not literals we need; plain quotes only.
    const quote = this.s[this.i]!;
    const triple = this.s.startsWith(quote.repeat(3), this.i);
    const close = triple ? quote.repeat(3) : quote;
    this.i += close.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('A string is never closed');
      if (this.s.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && !triple) this.fail('Line break inside a string');
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '0': '\0',
          '\n': '',
        };
        if (n !== undefined && n in simple) {
          out += simple[n]!;
          this.i += 2;
          continue;
        }
        if (n === 'u' || n === 'x') {
          const len = n === 'u' ? 4 : 2;
          const hex = this.s.slice(this.i + 2, this.i + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('Bad escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 2 + len;
          continue;
        }
        if (n === 'U') {
          const hex = this.s.slice(this.i + 2, this.i + 10);
          if (!/^[0-9a-fA-F]{8}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('Bad escape in a string');
          out += String.fromCodePoint(parseInt(hex, 16));
          this.i += 10;
          continue;
        }
        // Python keeps unknown escapes as written.
        out += c;
        this.i++;
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private list(end: ']' | ')'): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === end) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== end) this.fail(`Expected "," or "${end}"`);
    }
  }

  private dict(): PyDict {
    this.i++;
    const entries: PyDict['entries'] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === '}') {
        this.i++;
        return { kind: 'dict', entries };
      }
      const keyValue = this.value();
      if (typeof keyValue !== 'string' && typeof keyValue !== 'number')
        this.fail('Dictionary keys must be strings or numbers');
      this.space();
      let value: PyValue | undefined;
      if (this.s[this.i] === ':') {
        this.i++;
        value = this.options.rawValues ? this.rawOrValue() : this.value();
        this.space();
      }
      entries.push({ key: keyValue, value });
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('Expected "," or "}"');
    }
  }

  /** A literal if one parses up to the next top-level "," or "}", else the raw source up to there. */
  private rawOrValue(): PyValue {
    const start = this.i;
    try {
      const v = this.value();
      this.space();
      if (this.s[this.i] === ',' || this.s[this.i] === '}') return v;
    } catch {
      // fall through to raw
    }
    this.i = start;
    let depth = 0;
    let quote: string | null = null;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (quote) {
        if (c === '\\') this.i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    return { kind: 'raw', source: this.s.slice(start, this.i).trim() };
  }
}

/** Python string literal for `s` (double quotes; escapes like Python's repr would need). */
export function pyString(s: string): string {
  return (
    '"' +
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    s.replace(/[\\"\n\r\t\0]|[\u0001-\u001f\u007f]/g, (c) => {
      const named: Record<string, string> = {
        '\\': '\\\\',
        '"': '\\"',
        '\n': '\\n',
        '\r': '\\r',
        '\t': '\\t',
        '\0': '\\x00',
      };
      return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }) +
    '"'
  );
}
