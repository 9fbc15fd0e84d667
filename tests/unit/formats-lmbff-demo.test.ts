// LM-BFF demonstrations ↔ a template's demonstration template (few-shot): import keeps the first
// demonstration's pattern, export writes one demonstration per label with LM-BFF's numbering.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';
import { exportLmBff, importLmBff } from '../../src/core/formats/lmbff.ts';
import { exportOpenPrompt } from '../../src/core/formats/openprompt.ts';
import { lmBffToEntry, lmBffToTemplate, templateToLmBffWithDemos } from '../../src/core/formats/lmbff-template.ts';
import type { Issue } from '../../src/core/issues.ts';
import { formatIssue } from '../../src/core/messages/index.ts';

const ok = <T>(r: { ok: true; value: T } | { ok: false; errors: Issue[] }): T => {
  if (!r.ok) throw new Error(r.errors.map((e) => formatIssue(e)).join('; '));
  return r.value;
};
const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((x) => x.code);

/**
 * How LM-BFF expands a query template with --use_demo (its dataset.py: the template without
 * *cls*, sent ids shifted by n + n·j, *mask* → *labelx_j*, once per label), re-written here so
 * that the import is tested against that form and not against our own export.
 */
function lmBffExpand(template: string, labels: number): string {
  const body = template.replace('*cls*', '');
  const n = body.includes('_1*') ? 2 : 1;
  let out = template;
  for (let j = 0; j < labels; j++) {
    let sub = body;
    for (let id = 0; id < n; id++) sub = sub.replace(`_${id}*`, `_${n + n * j + id}*`);
    out += sub.replace('*mask*', `*labelx_${j}*`);
  }
  return out;
}

// LM-BFF's templates (run_experiment.sh) and their number of labels.
const TASKS: [string, string, number, string][] = [
  ['SST-2', '*cls**sent_0*_It_was*mask*.*sep+*', 2, '[X] It was [Z].'],
  ['MR', '*cls**sent_0*_It_was*mask*.*sep+*', 2, '[X] It was [Z].'],
  ['CR', '*cls**sent_0*_It_was*mask*.*sep+*', 2, '[X] It was [Z].'],
  ['TREC', '*cls**mask*:*+sent_0**sep+*', 6, '[Z]: [X]'],
  ['MNLI', '*cls**sent-_0*?*mask*,*+sentl_1**sep+*', 3, '[X1|nopunct]? [Z], [X2|lower]'],
  ['MRPC', '*cls**sent_0**mask*,*+sentl_1**sep+*', 2, '[X1] [Z], [X2|lower]'],
];

describe('LM-BFF demonstrations: import', () => {
  it('reads the issue’s example: query text plus the first demonstration’s pattern as the demo template', () => {
    const r = lmBffToEntry(
      '*cls**sent_0*_It_was*mask*.*sep+**sent_1*_It_was*label_1*.*sep+**sent_2*_It_was*label_2*.*sep+*',
    );
    expect(ok(r)).toEqual({ text: '[X] It was [Z].', demo: '[X] It was [Z].' });
    expect(codes(r)).toEqual(['lmbff-demonstrations']);
    expect(formatIssue(r.warnings[0]!)).toMatch(/2 demonstrations.*few-shot view, one per label/);
  });

  it.each(TASKS)(
    '%s: LM-BFF’s --use_demo expansion imports as text + demo, and exports back exactly',
    (_t, tpl, labels, text) => {
      const expanded = lmBffExpand(tpl, labels);
      const entry = ok(lmBffToEntry(expanded));
      expect(entry).toEqual({ text, demo: text });
      expect(ok(templateToLmBffWithDemos(entry.text, entry.demo!, labels))).toBe(expanded);
      // The query alone is what lmBffToTemplate gives, as before.
      expect(ok(lmBffToTemplate(expanded))).toBe(text);
    },
  );

  it('a demonstration pattern unlike the query’s becomes the demo template, with its own modifiers', () => {
    const r = lmBffToEntry(
      '*cls**sent_0*_It_was*mask*.*sep+**sentl_1*_felt*labelx_0*.*sep+**sentl_2*_felt*labelx_1*.*sep+*',
    );
    expect(ok(r)).toEqual({ text: '[X] It was [Z].', demo: '[X|lower] felt [Z].' });
    // Two inputs: demonstration 1 reads *sent-_2* and *+sentl_3* as its [X1] and [X2].
    const pair = lmBffToEntry('*cls**sent_0*?*mask*,*+sent_1**sep+**sent-_2*!*labelx_0*:*+sentl_3**sep+*');
    expect(ok(pair)).toEqual({ text: '[X1]? [Z], [X2]', demo: '[X1|nopunct]! [Z]: [X2|lower]' });
  });

  it('says what it cannot keep: differing demonstrations, trailing text, foreign inputs, a mask in a demo', () => {
    const differ = lmBffToEntry(
      '*cls**sent_0*_It_was*mask*.*sep+**sent_1*_So*labelx_0*.*sep+**sent_2*_It_was*labelx_1*.*sep+*',
    );
    expect(ok(differ).demo).toBe('[X] So [Z].');
    expect(codes(differ)).toEqual(['lmbff-demonstrations', 'lmbff-demo-differs']);
    const extra = lmBffToEntry('*cls**sent_0**mask*.*sep+**sent_1**labelx_0*.*sep+**sent_2*_tail*sep+*');
    expect(codes(extra)).toEqual(['lmbff-demonstrations', 'lmbff-demo-extra']);
    expect(extra.warnings[1]!.params).toEqual({ part: 'sent_2' });
    const foreign = lmBffToEntry('*cls**sent_0**mask*.*sep+**sent_0**sent_1**labelx_0*.*sep+*');
    expect(ok(foreign).demo).toBe('[X] [Z].');
    expect(foreign.warnings[0]).toMatchObject({
      code: 'lmbff-demo-input',
      params: { part: 'sent_0', first: 1, last: 1 },
    });
    const mask = lmBffToEntry('*cls**sent_0**mask*.*sep+**sent_1**mask**labelx_0*.*sep+*');
    expect(codes(mask)).toContain('lmbff-demo-mask');
    expect(ok(mask).demo).toBe('[X] [Z].');
  });

  it('a label word before the query’s separator is not a demonstration: dropped as before', () => {
    const r = lmBffToEntry('*cls**sent_0*_It_was*mask*.*labelx_0*');
    expect(ok(r)).toEqual({ text: '[X] It was [Z].' });
    expect(codes(r)).toEqual(['lmbff-demonstration']);
  });

  it('importLmBff puts the demo template in the setup entry; the setup validates', () => {
    const setup = ok(
      importLmBff(
        { templates: lmBffExpand('*cls**sent_0*_It_was*mask*.*sep+*', 2), mapping: "{'0':'terrible','1':'great'}" },
        defaultSetup(),
      ),
    );
    expect(setup.templates[0]).toEqual({
      id: 't1',
      name: 'LM-BFF 1',
      text: '[X] It was [Z].',
      demo: '[X] It was [Z].',
    });
    expect(parseSetup(setup).ok).toBe(true);
  });
});

describe('LM-BFF demonstrations: export', () => {
  const base: PromptSetup = {
    ...defaultSetup(),
    templates: [
      { id: 't1', name: 'a', text: '[X] It was [Z].', demo: '[X|lower] felt [Z].' },
      { id: 't2', name: 'b', text: '[X] All in all, [Z].' },
    ],
    verbalizer: {
      labels: [
        { label: '0', words: ['terrible'] },
        { label: '1', words: ['great'] },
      ],
    },
  };

  it('writes one demonstration per label where a demo template is set, or for all when asked', () => {
    const plain = exportLmBff(base);
    expect(plain.templates.map((t) => t.template)).toEqual([
      '*cls**sent_0*_It_was*mask*.*sep+**sentl_1*_felt*labelx_0*.*sep+**sentl_2*_felt*labelx_1*.*sep+*',
      '*cls**sent_0*_All_in_all,*mask*.*sep+*',
    ]);
    expect(codes({ warnings: plain.warnings })).toContain('lmbff-demo-export');
    const asked = exportLmBff(base, { demonstrations: true });
    expect(asked.templates[1]!.template).toBe(
      '*cls**sent_0*_All_in_all,*mask*.*sep+**sent_1*_All_in_all,*labelx_0*.*sep+**sent_2*_All_in_all,*labelx_1*.*sep+*',
    );
  });

  it('setup → LM-BFF → setup keeps text and demo templates', () => {
    const exported = exportLmBff(base);
    const back = ok(
      importLmBff({ templates: exported.templates.map((t) => t.template).join('\n'), mapping: exported.mapping }, base),
    );
    expect(back.templates.map((t) => [t.text, t.demo])).toEqual([
      ['[X] It was [Z].', '[X|lower] felt [Z].'],
      ['[X] All in all, [Z].', undefined],
    ]);
  });

  it('a demo template with errors: the query alone, with the errors and a note', () => {
    const r = templateToLmBffWithDemos('[X] It was [Z].', '[X2] [Z', 2);
    expect(ok(r)).toBe('*cls**sent_0*_It_was*mask*.*sep+*');
    expect(codes(r)).toEqual(['missing-mask', 'unclosed-bracket', 'lmbff-demo-invalid']);
  });

  it('OpenPrompt has no demonstrations: exporting a setup with one says so', () => {
    expect(codes({ warnings: exportOpenPrompt(base).warnings })).toContain('demo-not-exported');
    expect(codes({ warnings: exportOpenPrompt(defaultSetup()).warnings })).not.toContain('demo-not-exported');
  });

  it('round trip property: demo templates over the query’s inputs survive export → import', () => {
    const word = fc.stringMatching(/^[A-Za-z,.?!:;()'"-]{1,8}$/);
    const piece = (inputs: number) =>
      fc.oneof(
        word.map((x) => ({ kind: 'text' as const, text: x })),
        fc
          .record({ index: fc.integer({ min: 0, max: inputs - 1 }), lower: fc.boolean() })
          .map((x) => ({ kind: 'input' as const, ...x })),
      );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 2 })
          .chain((inputs) =>
            fc.tuple(
              fc.constant(inputs),
              fc.array(piece(inputs), { maxLength: 4 }),
              fc.array(piece(inputs), { minLength: 1, maxLength: 4 }),
              fc.integer({ min: 2, max: 6 }),
            ),
          ),
        ([inputs, before, after, labels]) => {
          const render = (pieces: typeof before) =>
            pieces
              .map((p) =>
                p.kind === 'text' ? p.text : `[${inputs > 1 ? `X${p.index + 1}` : 'X'}${p.lower ? '|lower' : ''}]`,
              )
              .join(' ');
          const slots = inputs > 1 ? '[X1] [X2]' : '[X]';
          const text = `${slots} It was [Z].`;
          const demo = [render(before), '[Z]', render(after)].filter((x) => x !== '').join(' ');
          const exported = ok(templateToLmBffWithDemos(text, demo, labels));
          const back = ok(lmBffToEntry(exported));
          expect(back).toEqual({ text, demo });
        },
      ),
      { numRuns: 200 },
    );
  });
});
