import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { defaultSetup, SETUP_LIMITS, type PromptSetup } from '../../src/core/setup.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';
import {
  decodeShareFragment,
  encodeShareFragment,
  isShareFragment,
  LINK_FORMAT_VERSION,
  LINK_LIMITS,
  linkChecksum,
  shareUrl,
  type LinkDecode,
} from '../../src/core/share-link.ts';
import { formatIssue } from '../../src/core/messages/index.ts';
import { validSetup } from './setup-arbitrary.ts';

function encode(setup: PromptSetup): string {
  const r = encodeShareFragment(setup);
  if (!r.ok) throw new Error(formatIssue(r.error));
  return r.fragment;
}

function errorOf(r: LinkDecode) {
  if (r.ok) throw new Error('expected the link to be rejected');
  return r.error;
}

/** A link written by hand in format 2 around arbitrary JSON text. */
const v2 = (json: string) => `#s=2.${linkChecksum(json)}.${LZString.compressToEncodedURIComponent(json)}`;

describe('share links: round trips', () => {
  it('setup → link → setup is the identity (property over valid setups)', () => {
    fc.assert(
      fc.property(validSetup(), (setup) => {
        const parsed = parseSetup(setup);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.setup).toEqual(setup);
        const fragment = encode(setup);
        expect(fragment).toMatch(/^s=2\.[0-9a-f]{8}\.[A-Za-z0-9+\-$]+$/);
        const back = decodeShareFragment(`#${fragment}`);
        expect(back).toEqual({ ok: true, setup, linkVersion: LINK_FORMAT_VERSION, setupVersion: 2 });
      }),
      { numRuns: 300 },
    );
  });

  it('fields at their length limits survive', () => {
    const s = defaultSetup();
    s.name = 'n'.repeat(SETUP_LIMITS.nameChars);
    s.templates[0]!.text = `[X] ${'é'.repeat(SETUP_LIMITS.templateTextChars - 9)} [Z].`;
    s.verbalizer.labels[0]!.words = Array.from({ length: SETUP_LIMITS.wordsPerLabel }, (_, i) => `w${i}`);
    s.inputs = Array.from({ length: 40 }, (_, i) => ({ X: `Example sentence number ${i}: it was fine.` }));
    const back = decodeShareFragment(encode(s));
    expect(back.ok && back.setup).toEqual(s);
  });

  it('shareUrl replaces any fragment of the base address; isShareFragment recognises links', () => {
    const r = shareUrl('https://clozelab.example/app/?x=1#old', defaultSetup());
    expect(r.ok).toBe(true);
    expect(r.url).toMatch(/^https:\/\/clozelab\.example\/app\/\?x=1#s=2\./);
    expect(isShareFragment(new URL(r.url!).hash)).toBe(true);
    expect(isShareFragment('')).toBe(false);
    expect(isShareFragment('#section-2')).toBe(false);
  });

  it('the default setup makes a short link', () => {
    const r = encodeShareFragment(defaultSetup());
    expect(r.ok && r.payloadChars).toBeLessThan(800);
  });

  it('a link whose payload was %-encoded by another app still opens', () => {
    const fragment = encode(defaultSetup());
    const mangled = fragment.replace(/\$/g, '%24').replace(/\+/g, '%2B');
    const back = decodeShareFragment(`#${mangled}`);
    expect(back.ok && back.setup).toEqual(defaultSetup());
  });

  it('encoding refuses setups too large for a link, and invalid setups', () => {
    const big = defaultSetup();
    // Random-looking text compresses badly.
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCharCode(0x4e00 + (seed % 5000));
    };
    big.inputs = Array.from({ length: 20 }, () => ({ X: Array.from({ length: 1000 }, noise).join('') }));
    const r = encodeShareFragment(big);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('setup-too-large-for-link');
    const bad = { ...defaultSetup(), activeTemplateId: 'nope' };
    const r2 = encodeShareFragment(bad);
    expect(!r2.ok && r2.error.code).toBe('setup-not-shareable');
  });
});

describe('share links: migrations', () => {
  it('a hand-made link in the older format 1 (no checksum) still opens, and says so', () => {
    const setup = defaultSetup();
    setup.name = 'Written by an older ClozeLab';
    // A setup of version 1 as that ClozeLab wrote it: no compareModel, variants or grid.
    const { compareModel: _m, verbalizerVariants: _v, grid: _g, ...v1 } = { ...setup, version: 1 };
    const legacy = `#s=1.${LZString.compressToEncodedURIComponent(JSON.stringify(v1))}`;
    const back = decodeShareFragment(legacy);
    expect(back).toEqual({ ok: true, setup, linkVersion: 1, setupVersion: 1 });
  });

  it('format 1 links with an older-looking setup get the schema defaults filled in by parseSetup', () => {
    // A minimal setup as an early writer might have produced it: no scoring, no inputs, no dtype/device.
    const minimal = {
      version: 1,
      model: { id: 'clozelab-test/bert-tiny', source: 'local' },
      templates: [{ id: 't1', name: '', text: '[X] It was [Z].' }],
      activeTemplateId: 't1',
      verbalizer: {
        labels: [
          { label: 'pos', words: ['great'] },
          { label: 'neg', words: ['terrible'] },
        ],
      },
    };
    const back = decodeShareFragment(`s=1.${LZString.compressToEncodedURIComponent(JSON.stringify(minimal))}`);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.setup.scoring).toEqual(defaultSetup().scoring);
    expect(back.setup.inputs).toEqual([]);
    expect(back.setup.model).toEqual({ id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'auto', device: 'auto' });
    expect(back.setup.name).toBe('');
  });
});

describe('share links: a corpus of bad links', () => {
  const good = encode(defaultSetup());

  it('not a link at all', () => {
    expect(errorOf(decodeShareFragment('')).code).toBe('not-a-link');
    expect(errorOf(decodeShareFragment('#top')).code).toBe('not-a-link');
    expect(errorOf(decodeShareFragment('#s=')).code).toBe('link-empty');
  });

  it('every truncation either restores the identical setup or is rejected with a reason', () => {
    const codes = new Set<string>();
    for (let cut = 1; cut < good.length; cut++) {
      const r = decodeShareFragment(good.slice(0, cut));
      if (r.ok) {
        expect(r.setup).toEqual(defaultSetup());
      } else {
        codes.add(r.error.code);
        expect(formatIssue(r.error).length).toBeGreaterThan(10);
      }
    }
    expect(
      [...codes].filter(
        (c) =>
          ![
            'not-a-link',
            'link-empty',
            'link-no-version',
            'link-bad-checksum-field',
            'damaged',
            'checksum',
            'not-json',
          ].includes(c),
      ),
    ).toEqual([]);
    expect(codes.has('checksum') || codes.has('damaged')).toBe(true);
  });

  it('a flipped character never yields a different setup', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
    const payloadStart = good.lastIndexOf('.') + 1;
    fc.assert(
      fc.property(
        fc.integer({ min: payloadStart, max: good.length - 1 }),
        fc.integer({ min: 1, max: 63 }),
        (at, shift) => {
          const c = alphabet[(alphabet.indexOf(good[at]!) + shift) % 64]!;
          const r = decodeShareFragment(good.slice(0, at) + c + good.slice(at + 1));
          if (r.ok) expect(r.setup).toEqual(defaultSetup());
          else
            expect(['damaged', 'checksum', 'not-json', 'invalid-setup', 'link-too-much-data']).toContain(r.error.code);
        },
      ),
      { numRuns: 400 },
    );
    // A bit flip in a format-1 link (no checksum) that still decompresses is caught by the schema at worst.
    const bad = `s=2.00000000.${good.slice(payloadStart)}`;
    expect(errorOf(decodeShareFragment(bad)).code).toBe('checksum');
  });

  it('unknown, newer and missing versions', () => {
    const payload = good.slice(good.indexOf('.') + 1);
    expect(errorOf(decodeShareFragment(`s=9.${payload}`))).toMatchObject({
      code: 'newer-version',
      params: { version: 9, current: 2 },
    });
    expect(errorOf(decodeShareFragment(`s=0.${payload}`))).toMatchObject({
      code: 'unknown-version',
      params: { version: 0 },
    });
    expect(errorOf(decodeShareFragment(`s=x.${payload}`)).code).toBe('link-no-version');
    expect(errorOf(decodeShareFragment(`s=${payload}`)).code).toBe('link-no-version');
    expect(errorOf(decodeShareFragment(`s=2.zz.${payload}`)).code).toBe('link-bad-checksum-field');
  });

  it('oversized links are refused before decompression', () => {
    const long = `s=2.00000000.${'A'.repeat(LINK_LIMITS.payloadChars + 1)}`;
    expect(errorOf(decodeShareFragment(long)).code).toBe('link-too-long');
    // A decompression bomb: a tiny payload that unpacks past the JSON limit.
    const bomb = LZString.compressToEncodedURIComponent('a'.repeat(LINK_LIMITS.jsonChars + 10));
    expect(bomb.length).toBeLessThan(LINK_LIMITS.payloadChars);
    expect(errorOf(decodeShareFragment(`s=1.${bomb}`))).toMatchObject({ code: 'link-too-much-data' });
  });

  it('characters that no link contains', () => {
    expect(errorOf(decodeShareFragment('s=2.00000000.abc<script>'))).toMatchObject({
      code: 'link-bad-character',
      params: { char: '<' },
    });
    expect(errorOf(decodeShareFragment('s=2.00000000.%E0%A4%A'))).toMatchObject({ code: 'link-bad-escape' });
  });

  it('valid compression of something that is not JSON', () => {
    expect(errorOf(decodeShareFragment(v2('{not json'))).code).toBe('not-json');
    expect(errorOf(decodeShareFragment(`s=1.${LZString.compressToEncodedURIComponent('hello')}`)).code).toBe(
      'not-json',
    );
  });

  it('valid JSON of the wrong shape lists schema errors with paths', () => {
    const arr = errorOf(decodeShareFragment(v2('[1,2,3]')));
    expect(arr.code).toBe('invalid-setup');
    expect(arr.errors?.[0]).toMatchObject({ path: '(root)', code: 'not-object' });
    const partial = errorOf(decodeShareFragment(v2('{"version":1}')));
    expect(partial.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['model', 'templates', 'verbalizer']));
    const newer = errorOf(decodeShareFragment(v2(JSON.stringify({ ...defaultSetup(), version: 7 }))));
    expect(newer.errors?.[0]).toMatchObject({
      path: 'version',
      code: 'version-newer',
      params: { version: 7, current: 2 },
    });
  });

  it('a model id that is a URL, a path or script is rejected', () => {
    for (const id of ['https://evil.example/model', '../../etc/passwd', 'javascript:alert(1)', '/models/x', 'a/b/c']) {
      const s = { ...defaultSetup(), model: { ...defaultSetup().model, id } };
      const e = errorOf(decodeShareFragment(v2(JSON.stringify(s))));
      expect(e.code).toBe('invalid-setup');
      expect(e.errors).toContainEqual(expect.objectContaining({ path: 'model.id', code: 'model-id' }));
    }
  });

  it('HTML and script in every text field is kept as plain data, character for character', () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const s = defaultSetup();
    s.name = evil;
    s.templates = [{ id: 't1', name: evil, text: `${evil} [X] ${evil} [Z].` }];
    s.verbalizer = {
      labels: [
        { label: evil, words: [evil, 'great'] },
        { label: 'neg', words: ['bad'] },
      ],
    };
    s.inputs = [{ X: evil }];
    const back = decodeShareFragment(encode(s));
    expect(back.ok && back.setup).toEqual(s);
  });
});
