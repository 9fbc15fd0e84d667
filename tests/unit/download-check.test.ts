// The download check the app's fetch guard and `npm run models:download` share.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { announced, checkDownload, describeProblem, Sha256 } from '../../src/runtime/download-check';

const nodeSha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('download check', () => {
  it('hashes like node:crypto, whatever the chunks', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_001]) {
      const data = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      const whole = new Sha256().update(data).digest();
      expect(whole, `length ${length}`).toBe(nodeSha(data));
      const hash = new Sha256();
      for (let at = 0; at < length;) {
        const step = 1 + Math.floor(random() * 200);
        hash.update(data.subarray(at, at + step));
        at += step;
      }
      expect(hash.digest(), `length ${length}, chunked`).toBe(nodeSha(data));
    }
    expect(new Sha256().update(new TextEncoder().encode('abc')).digest()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reads what a response announces: the Hub’s linked size and sha256, a range total, a plain length', () => {
    const sha = 'a'.repeat(64);
    const h = (o: Record<string, string>) => new Headers(o);
    expect(announced(h({ 'x-linked-size': '10', 'x-linked-etag': `"${sha}"`, 'content-length': '3' }))).toEqual({
      size: 10,
      sha256: sha,
    });
    expect(announced(h({ etag: `W/"${sha.toUpperCase()}"`, 'content-length': '5' }))).toEqual({ size: 5, sha256: sha });
    // A git sha1 ETag is no sha256; a compressed body's length is not the file's.
    expect(announced(h({ etag: '"abc123"', 'content-length': '5', 'content-encoding': 'gzip' }))).toEqual({
      size: null,
      sha256: null,
    });
    expect(announced(h({ 'content-range': 'bytes 5-9/10', 'content-length': '5' }), 206)).toEqual({
      size: 10,
      sha256: null,
    });
    expect(announced(h({ 'content-length': '5' }), 206).size).toBeNull();
  });

  it('finds a short, long or damaged file', () => {
    const sha = 'b'.repeat(64);
    expect(checkDownload(10, sha, { size: 10, sha256: sha })).toBeNull();
    expect(checkDownload(10, null, { size: null, sha256: null })).toBeNull();
    const short = checkDownload(4, null, { size: 10, sha256: sha });
    expect(short).toEqual({ kind: 'short', received: 4, expected: 10 });
    expect(describeProblem(short!)).toBe('only 4 of 10 bytes arrived');
    expect(checkDownload(11, null, { size: 10, sha256: null })?.kind).toBe('long');
    const bad = checkDownload(10, 'c'.repeat(64), { size: 10, sha256: sha });
    expect(describeProblem(bad!)).toMatch(/^checksum mismatch/);
  });
});
