// Whether a downloaded file is the file the server announced: its size (X-Linked-Size, the total
// of a Content-Range, Content-Length) and, where announced, its sha256 (the Hub's X-Linked-Etag, or
// an ETag of 64 hex digits, as for LFS files). Pure and environment-free: the runtime's fetch guard
// (download-guard.ts, worker and Node) and `npm run models:download` (scripts/models-download) check
// with the same rules.

/** What a response announces about the whole file. */
export interface Announced {
  /** Bytes of the whole file; null when nothing trustworthy says. */
  size: number | null;
  /** Lower-case hex sha256; null when none is announced. */
  sha256: string | null;
}

interface HeaderSource {
  get(name: string): string | null;
}

/** sha256 announced for LFS files: X-Linked-Etag on the Hub's redirect, or an ETag of 64 hex digits. */
export function announcedSha256(headers: HeaderSource): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return null;
}

function count(value: string | null | undefined): number | null {
  return value && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/**
 * The size of the whole file: X-Linked-Size, else the total of a Content-Range, else (a 200 whose
 * body is not content-encoded) Content-Length. A compressed body's Content-Length counts the
 * compressed bytes, so it says nothing about the file.
 */
export function announcedSize(headers: HeaderSource, status = 200): number | null {
  const linked = count(headers.get('x-linked-size'));
  if (linked !== null) return linked;
  const range = /\/(\d+)\s*$/.exec(headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (status === 200 && (encoding === '' || encoding === 'identity')) return count(headers.get('content-length'));
  return null;
}

export function announced(headers: HeaderSource, status = 200): Announced {
  return { size: announcedSize(headers, status), sha256: announcedSha256(headers) };
}

/** Why a download is not the announced file. */
export type DownloadProblem =
  | { kind: 'short'; received: number; expected: number }
  | { kind: 'long'; received: number; expected: number }
  | { kind: 'checksum'; sha256: string; expected: string };

/** The problem with `received` bytes hashing to `sha256` (null: not computed), or null when it is the announced file. */
export function checkDownload(received: number, sha256: string | null, expected: Announced): DownloadProblem | null {
  if (expected.size !== null && received < expected.size) return { kind: 'short', received, expected: expected.size };
  if (expected.size !== null && received > expected.size) return { kind: 'long', received, expected: expected.size };
  if (expected.sha256 && sha256 !== null && sha256 !== expected.sha256)
    return { kind: 'checksum', sha256, expected: expected.sha256 };
  return null;
}

/** The problem in words (English, for messages' details and the command line). */
export function describeProblem(problem: DownloadProblem): string {
  switch (problem.kind) {
    case 'short':
      return `only ${problem.received} of ${problem.expected} bytes arrived`;
    case 'long':
      return `${problem.received} bytes arrived, ${problem.expected} were announced`;
    case 'checksum':
      return `checksum mismatch (sha256 ${problem.sha256}, the server announced ${problem.expected})`;
  }
}

// ---- SHA-256, incremental (FIPS 180-4) -----------------------------------------------------------
// The browser's crypto.subtle hashes only a whole buffer; a model file streams through in chunks and
// is not copied a second time to be hashed.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

export class Sha256 {
  private readonly h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private readonly w = new Uint32Array(64);
  private readonly block = new Uint8Array(64);
  private filled = 0;
  private bytes = 0;

  update(data: Uint8Array): this {
    let at = 0;
    this.bytes += data.length;
    if (this.filled > 0) {
      const take = Math.min(64 - this.filled, data.length);
      this.block.set(data.subarray(0, take), this.filled);
      this.filled += take;
      at = take;
      if (this.filled < 64) return this;
      this.compress(this.block, 0);
      this.filled = 0;
    }
    for (; at + 64 <= data.length; at += 64) this.compress(data, at);
    if (at < data.length) {
      this.block.set(data.subarray(at), 0);
      this.filled = data.length - at;
    }
    return this;
  }

  /** Lower-case hex. The hasher cannot be used afterwards. */
  digest(): string {
    const bits = this.bytes * 8;
    const tail = new Uint8Array((this.filled < 56 ? 64 : 128) - this.filled);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tail.length - 4, bits >>> 0);
    this.update(tail);
    return [...this.h].map((x) => x.toString(16).padStart(8, '0')).join('');
  }

  private compress(data: Uint8Array, at: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4;
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const h = this.h;
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + hh) | 0;
  }
}
