// Nothing lost: a verbalizer or text the setup schema would reject is never saved as is (the next
// load would reset the workspace), and another tab's save is never silently overwritten.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSetup, SETUP_LIMITS, type PromptSetup } from '../../src/core/setup.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';
import { fitSetupToLimits } from '../../src/core/setup-fit.ts';
import { formatVerbalizer, parseVerbalizer, VERBALIZER_LIMITS } from '../../src/core/verbalizer.ts';
import { restoreWorkspace, serializeWorkspace } from '../../src/store/persistence.ts';
import { onWorkspaceStorageChange, resolveKeepMine, resolveLoadTheirs, useTabConflict } from '../../src/store/tabs.ts';
import { useWorkspace } from '../../src/store/workspace.ts';

describe('verbalizer limits = setup limits', () => {
  it('uses the schema numbers', () => {
    expect(VERBALIZER_LIMITS).toEqual({
      labels: SETUP_LIMITS.labels,
      labelChars: SETUP_LIMITS.labelChars,
      wordsPerLabel: SETUP_LIMITS.wordsPerLabel,
      wordChars: SETUP_LIMITS.wordChars,
    });
  });

  it('reports each limit where it is crossed', () => {
    const long = 'x'.repeat(101);
    const cases: [string, string, number][] = [
      [`${long}: a\nb: c`, 'label-too-long', 1],
      [`a: ok, ${long}\nb: c`, 'word-too-long', 1],
      [`a: ${Array.from({ length: 51 }, (_, i) => `w${i}`).join(', ')}\nb: c`, 'too-many-words', 1],
    ];
    for (const [text, code, line] of cases) {
      const r = parseVerbalizer(text);
      expect(r.ok, code).toBe(false);
      if (r.ok) continue;
      expect(r.errors[0], code).toMatchObject({ code, params: { line } });
    }
    // At the limits exactly: fine.
    const atLimit = Array.from(
      { length: 100 },
      (_, i) => `${'l'.repeat(90)}${i}: ${Array.from({ length: 50 }, (_, j) => `w${j}`).join(', ')}`,
    ).join('\n');
    expect(parseVerbalizer(atLimit).ok).toBe(true);
  });

  it('whatever the editor accepts fits a setup (property)', () => {
    const word = fc.string({ minLength: 1, maxLength: 120 }).filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fc.array(word, { minLength: 1, maxLength: 55 })), { minLength: 1, maxLength: 110 }),
        (labels) => {
          const text = formatVerbalizer({ labels: labels.map(([label, words]) => ({ label, words })) });
          const r = parseVerbalizer(text);
          if (r.ok) expect(parseSetup({ ...defaultSetup(), verbalizer: r.verbalizer }).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fitting a setup into the saved limits', () => {
  it('a 100 kB input and an over-long template are cut for saving, listed, and the workspace restores', () => {
    const setup: PromptSetup = {
      ...defaultSetup(),
      name: 'n'.repeat(500),
      templates: [{ id: 't1', name: 'T', text: `${'a'.repeat(3000)} [X] [Z]` }],
      activeTemplateId: 't1',
      inputs: [{ X: 'b'.repeat(100_000) }, { X: 'short' }],
    };
    expect(parseSetup(setup).ok).toBe(false);
    const fit = fitSetupToLimits(setup);
    expect(fit.trimmed).toEqual(['name', 'templates[0].text', 'inputs[0].X']);
    expect(fit.setup.inputs[0]!.X).toHaveLength(SETUP_LIMITS.inputChars);
    expect(fit.setup.inputs[1]).toBe(setup.inputs[1]);
    expect(parseSetup(fit.setup).ok).toBe(true);
    const restored = restoreWorkspace(serializeWorkspace({ setup: fit.setup, verbalizerText: '' }));
    expect(restored.kind).toBe('restored');
    // Nothing to cut: the same object.
    const fine = defaultSetup();
    expect(fitSetupToLimits(fine)).toEqual({ setup: fine, trimmed: [] });
  });

  it('the total input budget is respected (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 200 }), (lengths) => {
        const setup = { ...defaultSetup(), inputs: lengths.map((n) => ({ X: 'z'.repeat(n) })) };
        expect(parseSetup(fitSetupToLimits(setup).setup).ok).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('two tabs', () => {
  const theirs = () => ({
    setup: {
      ...defaultSetup(),
      name: 'Theirs',
      templates: [{ id: 't1', name: 'T', text: 'Theirs: [X] [Z].' }],
      activeTemplateId: 't1',
    },
    verbalizerText: 'a: b\nc: d',
  });

  it("another tab's different save is held for a choice; load theirs replaces this workspace", () => {
    onWorkspaceStorageChange(serializeWorkspace(theirs()));
    expect(useTabConflict.getState().theirs?.setup.name).toBe('Theirs');
    resolveLoadTheirs();
    expect(useTabConflict.getState().theirs).toBeNull();
    const ws = useWorkspace.getState();
    expect(ws.setup.templates[0]!.text).toBe('Theirs: [X] [Z].');
    expect(ws.verbalizerText).toBe('a: b\nc: d');
  });

  it('the same content, a cleared key or an unreadable value is no conflict; keep mine clears it', () => {
    const s = useWorkspace.getState();
    onWorkspaceStorageChange(serializeWorkspace({ setup: s.setup, verbalizerText: s.verbalizerText }));
    expect(useTabConflict.getState().theirs).toBeNull();
    onWorkspaceStorageChange(null);
    onWorkspaceStorageChange('{not json');
    expect(useTabConflict.getState().theirs).toBeNull();
    onWorkspaceStorageChange(serializeWorkspace({ ...theirs(), verbalizerText: 'x: y\nz: w' }));
    expect(useTabConflict.getState().theirs).not.toBeNull();
    resolveKeepMine();
    expect(useTabConflict.getState().theirs).toBeNull();
    expect(useWorkspace.getState().verbalizerText).toBe('a: b\nc: d');
  });
});
