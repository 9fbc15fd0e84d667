import { describe, expect, it } from 'vitest';
import {
  applyModifier,
  maskPrecededBySpace,
  offsetToLineColumn,
  parseTemplate,
  promptKey,
  promptLayout,
  promptMaskCount,
  promptToText,
  renderPrompt,
  renderTemplateText,
  type Template,
  type TemplateError,
} from '../../src/core/index.ts';
import type { Issue } from '../../src/core/issues.ts';
import { formatIssue } from '../../src/core/messages/index.ts';

/** What the CLI and the English UI show for an issue. */
const english = (issue: Issue) => formatIssue(issue, 'en');

function ok(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.errors.map(english).join('; ')}`);
  return r.template;
}

function errors(text: string): TemplateError[] {
  const r = parseTemplate(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail`);
  return r.errors;
}

describe('parseTemplate: valid templates', () => {
  it('parses the SST-2 template into text, input and mask nodes with source spans', () => {
    const t = ok('[X] Overall, it was a [Z] movie.');
    expect(t.slots).toEqual(['X']);
    expect(t.nodes).toEqual([
      { kind: 'input', slot: 'X', modifiers: [], span: { start: 0, end: 3 } },
      { kind: 'text', text: ' Overall, it was a ', span: { start: 3, end: 22 } },
      { kind: 'mask', span: { start: 22, end: 25 } },
      { kind: 'text', text: ' movie.', span: { start: 25, end: 32 } },
    ]);
  });

  it('lists numbered slots in numeric order, whatever order they appear in', () => {
    expect(ok('[X2] [Z] [X1]').slots).toEqual(['X1', 'X2']);
    expect(ok('[X10] [X2] [X1] [Z] [X3] [X4] [X5] [X6] [X7] [X8] [X9]').slots).toEqual([
      'X1',
      'X2',
      'X3',
      'X4',
      'X5',
      'X6',
      'X7',
      'X8',
      'X9',
      'X10',
    ]);
  });

  it('lists a slot used twice once', () => {
    const t = ok('[X] [Z] [X]');
    expect(t.slots).toEqual(['X']);
    expect(t.nodes.filter((n) => n.kind === 'input')).toHaveLength(2);
  });

  it('parses modifiers, combinable, ignoring spaces inside brackets', () => {
    const t = ok('[X1|nopunct|lower] ? [Z] , [ X2 | lower ]');
    expect(t.nodes[0]).toEqual({
      kind: 'input',
      slot: 'X1',
      modifiers: ['nopunct', 'lower'],
      span: { start: 0, end: 18 },
    });
    expect(t.nodes[4]).toMatchObject({ kind: 'input', slot: 'X2', modifiers: ['lower'] });
  });

  it('resolves escapes \\[ \\] \\\\ and keeps other backslashes literally', () => {
    const t = ok('\\[note\\] [X] C:\\dir \\\\ end\\ [Z]\\');
    const texts = t.nodes.filter((n) => n.kind === 'text').map((n) => (n.kind === 'text' ? n.text : ''));
    expect(texts).toEqual(['[note] ', ' C:\\dir \\ end\\ ', '\\']);
    // the first text node covers the escaped source "\[note\] " (9 characters)
    expect(t.nodes[0]!.span).toEqual({ start: 0, end: 9 });
  });

  it('accepts a template with [Z] first or last and without spaces around it', () => {
    expect(ok('[Z]: [X]').nodes[0]).toEqual({ kind: 'mask', span: { start: 0, end: 3 } });
    expect(ok('[X]([Z])').slots).toEqual(['X']);
  });
});

describe('parseTemplate: errors with exact positions', () => {
  it('empty template (also whitespace only)', () => {
    expect(errors('')).toEqual([expect.objectContaining({ code: 'empty-template', span: { start: 0, end: 0 } })]);
    expect(errors('  \n ')).toEqual([expect.objectContaining({ code: 'empty-template', span: { start: 0, end: 4 } })]);
  });

  it('missing [Z] spans the whole template', () => {
    const e = errors('[X] Overall, it was good.');
    expect(e).toEqual([expect.objectContaining({ code: 'missing-mask', span: { start: 0, end: 25 } })]);
    expect(english(e[0]!)).toContain('[Z]');
  });

  it('[Z] more than once points at the second (and any later) one', () => {
    // "[X] it [Z] [Z] [Z]": second [Z] at 11, third at 15
    const e = errors('[X] it [Z] [Z] [Z]');
    expect(e.map((x) => [x.code, x.span])).toEqual([
      ['duplicate-mask', { start: 11, end: 14 }],
      ['duplicate-mask', { start: 15, end: 18 }],
    ]);
    expect(english(e[0]!)).toContain('character 12');
  });

  it('unknown slot [Y] with a plain-English message and 1-based character', () => {
    // "[X] Overall, it was a " is 22 characters, so [Y] spans 22..25 (character 23).
    const e = errors('[X] Overall, it was a [Y] movie. [Z]');
    expect(e).toEqual([expect.objectContaining({ code: 'unknown-slot', span: { start: 22, end: 25 } })]);
    expect(english(e[0]!)).toBe(
      'Unknown slot [Y] at character 23. Use [X] (or [X1], [X2], …) for inputs and [Z] for the answer. To write a literal bracket, type \\[ or \\].',
    );
  });

  it('[MASK] is not a slot: suggests [Z] (and does not also complain about the missing [Z])', () => {
    const e = errors('[X] It was [MASK].');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ code: 'unknown-slot', span: { start: 11, end: 17 } });
    expect(english(e[0]!)).toContain('Write [Z]');
    expect(english(errors('[X] It was [mask].')[0]!)).toContain('Write [Z]');
  });

  it('case and numbering hints', () => {
    expect(english(errors('[x] [Z]')[0]!)).toContain('write [X]');
    expect(errors('[X] [z]')).toEqual([
      expect.objectContaining({ code: 'unknown-slot', params: expect.objectContaining({ advice: 'case' }) }),
    ]);
    expect(english(errors('[X] [z]')[0]!)).toContain('write [Z] for the answer');
    expect(english(errors('[X0] [Z]')[0]!)).toContain('numbered from 1');
    expect(english(errors('[X01] [Z]')[0]!)).toContain('numbered from 1');
  });

  it('an unknown slot name is classified once, and its message follows that advice', () => {
    const advice = (text: string) => errors(text).find((e) => e.code === 'unknown-slot')?.params;
    expect(advice('[X] [MASK]')).toMatchObject({ name: 'MASK', advice: 'mask' });
    expect(advice('[X] [___]')).toMatchObject({ advice: 'mask' });
    expect(advice('[x2] [Z]')).toMatchObject({ name: 'x2', advice: 'case' });
    expect(advice('[X01] [Z]')).toMatchObject({ advice: 'zero' });
    expect(advice('[Y] [Z]')).toMatchObject({ advice: 'other' });
    expect(advice(`[${'Q'.repeat(30)}] [Z]`)).toMatchObject({ name: `${'Q'.repeat(21)}…` });
    expect(english(errors('[x2] [Z]')[0]!)).toBe(
      'Unknown slot [x2] at character 1. Slot names are upper-case: write [X2].',
    );
  });

  it('empty brackets []', () => {
    expect(errors('[X] [] [Z]')).toEqual([expect.objectContaining({ code: 'empty-slot', span: { start: 4, end: 6 } })]);
  });

  it('unclosed bracket points at the "["', () => {
    expect(errors('[X it was [Z].')).toEqual([
      expect.objectContaining({ code: 'unclosed-bracket', span: { start: 0, end: 1 } }),
    ]);
    // "[Z" is not a slot, so the template also has no [Z]; errors are sorted by position
    expect(errors('[X] it was [Z')).toEqual([
      expect.objectContaining({ code: 'missing-mask', span: { start: 0, end: 13 } }),
      expect.objectContaining({ code: 'unclosed-bracket', span: { start: 11, end: 12 } }),
    ]);
  });

  it('a slot cannot span lines', () => {
    const e = errors('[X\n] [Z]');
    expect(e.map((x) => x.code)).toEqual(['unclosed-bracket', 'stray-bracket']);
    expect(e[0]!.span).toEqual({ start: 0, end: 1 });
    expect(e[1]!.span).toEqual({ start: 3, end: 4 });
    expect(english(e[1]!)).toContain('line 2, character 1');
  });

  it('stray "]"', () => {
    expect(errors('[X] a ] [Z]')).toEqual([
      expect.objectContaining({ code: 'stray-bracket', span: { start: 6, end: 7 } }),
    ]);
  });

  it('unknown and empty modifiers point at the modifier', () => {
    const e = errors('[X|upper] [Z]');
    expect(e).toEqual([expect.objectContaining({ code: 'unknown-modifier', span: { start: 3, end: 8 } })]);
    expect(english(e[0]!)).toContain('lower');
    expect(english(errors('[X|Lower] [Z]')[0]!)).toContain('lower-case');
    // "[X|]": the empty modifier is reported at the "|" (offset 2)
    expect(errors('[X|] [Z]')).toEqual([
      expect.objectContaining({ code: 'unknown-modifier', span: { start: 2, end: 3 } }),
    ]);
  });

  it('modifiers on [Z] are an error', () => {
    expect(errors('[X] [Z|lower]')).toEqual([
      expect.objectContaining({ code: 'mask-modifier', span: { start: 7, end: 12 } }),
    ]);
  });

  it('mixing [X] with [X1] points at the later style', () => {
    expect(errors('[X] [X1] [Z]')).toEqual([
      expect.objectContaining({ code: 'mixed-inputs', span: { start: 4, end: 8 } }),
    ]);
    expect(errors('[X2] [Z] [X]')).toEqual([
      expect.objectContaining({ code: 'mixed-inputs', span: { start: 9, end: 12 } }),
    ]);
  });

  it('reports several errors at once, sorted by position', () => {
    const e = errors('] [Y] [X|bad]');
    // sorted by start, then end: the stray "]" (0..1) before the whole-template missing [Z] (0..13)
    expect(e.map((x) => x.code)).toEqual(['stray-bracket', 'missing-mask', 'unknown-slot', 'unknown-modifier']);
  });
});

describe('parseTemplate: warnings', () => {
  it('no input slot', () => {
    const r = parseTemplate('It was [Z].');
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(['no-input-slot']);
  });
  it('gap in numbered slots points at the highest slot', () => {
    const r = parseTemplate('[X1] [X3] [Z]');
    expect(r.ok && r.template.slots).toEqual(['X1', 'X3']);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'slot-gap', span: { start: 5, end: 9 } })]);
    expect(english(r.warnings[0]!)).toContain('[X2]');
  });
  it('duplicate modifier and literal mask tokens', () => {
    const r = parseTemplate('[X|lower|lower] <mask> \\[MASK\\] [Z]');
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => [w.code, w.span])).toEqual([
      ['duplicate-modifier', { start: 9, end: 14 }],
      ['literal-mask-token', { start: 16, end: 22 }],
      ['literal-mask-token', { start: 23, end: 31 }],
    ]);
  });
});

describe('positions', () => {
  it('offsetToLineColumn is 1-based', () => {
    const s = 'ab\ncd\n\nef';
    expect(offsetToLineColumn(s, 0)).toEqual({ line: 1, column: 1 });
    expect(offsetToLineColumn(s, 2)).toEqual({ line: 1, column: 3 });
    expect(offsetToLineColumn(s, 3)).toEqual({ line: 2, column: 1 });
    expect(offsetToLineColumn(s, 7)).toEqual({ line: 4, column: 1 });
    expect(offsetToLineColumn(s, 99)).toEqual({ line: 4, column: 3 });
  });
  it('messages mention the line only for multi-line sources', () => {
    expect(errors('a] [X] [Z]')[0]!.params).toEqual({ line: 1, column: 2, multiline: 0 });
    expect(english(errors('a] [X] [Z]')[0]!)).toContain('at character 2 ');
    expect(errors('a\nb] [X] [Z]')[0]!.params).toEqual({ line: 2, column: 2, multiline: 1 });
    expect(english(errors('a\nb] [X] [Z]')[0]!)).toContain('at line 2, character 2 ');
  });
});

describe('modifiers', () => {
  it('lower lowercases only the first character', () => {
    expect(applyModifier('The Cat', 'lower')).toBe('the Cat');
    expect(applyModifier('I agree', 'lower')).toBe('i agree');
    expect(applyModifier('"Quoted"', 'lower')).toBe('"Quoted"');
    expect(applyModifier('', 'lower')).toBe('');
    expect(applyModifier('Éclair', 'lower')).toBe('éclair');
    expect(applyModifier('𝐀bc', 'lower')).toBe('𝐀bc'); // astral character: handled as one code point
  });
  it('nopunct drops the run of final punctuation and the spaces before it', () => {
    expect(applyModifier('It rained.', 'nopunct')).toBe('It rained');
    expect(applyModifier('Really?!', 'nopunct')).toBe('Really');
    expect(applyModifier('Wait …', 'nopunct')).toBe('Wait');
    expect(applyModifier('下雨了。', 'nopunct')).toBe('下雨了');
    expect(applyModifier('no punctuation', 'nopunct')).toBe('no punctuation');
    expect(applyModifier('(aside)', 'nopunct')).toBe('(aside)');
  });
});

describe('renderPrompt', () => {
  it('renders template / input / mask parts, trimming inputs', () => {
    const t = ok('[X] Overall, it was a [Z] movie.');
    expect(renderPrompt(t, { X: '  I love this movie.\n' })).toEqual({
      parts: [
        { kind: 'input', slot: 'X', text: 'I love this movie.' },
        { kind: 'template', text: ' Overall, it was a ' },
        { kind: 'mask', count: 1 },
        { kind: 'template', text: ' movie.' },
      ],
    });
  });

  it('applies modifiers per slot (LM-BFF RTE template)', () => {
    const t = ok('[X1|nopunct] ? [Z] , [X2|lower]');
    const p = renderPrompt(t, { X1: 'The cat sat on the mat.', X2: 'A cat sat.' }, 2);
    expect(p.parts).toEqual([
      { kind: 'input', slot: 'X1', text: 'The cat sat on the mat' },
      { kind: 'template', text: ' ? ' },
      { kind: 'mask', count: 2 },
      { kind: 'template', text: ' , ' },
      { kind: 'input', slot: 'X2', text: 'a cat sat.' },
    ]);
    expect(promptMaskCount(p)).toBe(2);
  });

  it('merges adjacent template text and treats missing inputs as empty', () => {
    const t = ok('\\[A\\]\\[B\\] [X] [Z]');
    expect(renderPrompt(t, {}).parts).toEqual([
      { kind: 'template', text: '[A][B] ' },
      { kind: 'input', slot: 'X', text: '' },
      { kind: 'template', text: ' ' },
      { kind: 'mask', count: 1 },
    ]);
  });

  it('rejects a mask count below 1', () => {
    expect(() => renderPrompt(ok('[X] [Z]'), { X: 'a' }, 0)).toThrow(RangeError);
    expect(() => renderPrompt(ok('[X] [Z]'), { X: 'a' }, 1.5)).toThrow(RangeError);
  });

  it('renderTemplateText returns errors for an invalid template', () => {
    const r = renderTemplateText('[Y] [Z]', { X: 'a' });
    expect(r.ok).toBe(false);
    expect(renderTemplateText('[X] [Z]', { X: 'a' })).toEqual({
      ok: true,
      prompt: {
        parts: [
          { kind: 'input', slot: 'X', text: 'a' },
          { kind: 'template', text: ' ' },
          { kind: 'mask', count: 1 },
        ],
      },
    });
  });
});

describe('prompt text and spans', () => {
  const t = ok('[X1] ? [Z] , [X2|lower]');
  const p = renderPrompt(t, { X1: 'It rained', X2: 'The road is wet.' }, 2);

  it('promptToText repeats the mask token without a separator', () => {
    expect(promptToText(p, '[MASK]')).toBe('It rained ? [MASK][MASK] , the road is wet.');
    expect(promptToText(renderPrompt(t, { X1: 'a', X2: 'b' }), '<mask>')).toBe('a ? <mask> , b');
  });

  it('promptLayout gives spans of inputs and the mask run', () => {
    const layout = promptLayout(p, '[MASK]');
    expect(layout.inputs).toEqual([
      { slot: 'X1', span: { start: 0, end: 9 } },
      { slot: 'X2', span: { start: 27, end: 43 } },
    ]);
    expect(layout.mask).toEqual({ start: 12, end: 24 });
    expect(layout.text.slice(12, 24)).toBe('[MASK][MASK]');
    expect(layout.text.slice(27, 43)).toBe('the road is wet.');
    expect(layout.segments.map((s) => s.kind)).toEqual(['input', 'template', 'mask', 'template', 'input']);
  });

  it('promptKey distinguishes prompts and mask counts but not equal renderings', () => {
    const a = renderPrompt(t, { X1: 'x', X2: 'y' });
    expect(promptKey(a)).toBe(promptKey(renderPrompt(t, { X1: ' x ', X2: 'y' })));
    expect(promptKey(a)).not.toBe(promptKey(renderPrompt(t, { X1: 'x', X2: 'y' }, 2)));
    expect(promptKey(a)).not.toBe(promptKey(renderPrompt(t, { X1: 'x', X2: 'z' })));
    // an input equal to template text is still a different part
    const b = { parts: [{ kind: 'template' as const, text: 'a' }] };
    const c = { parts: [{ kind: 'input' as const, slot: 'X', text: 'a' }] };
    expect(promptKey(b)).not.toBe(promptKey(c));
  });
});

describe('maskPrecededBySpace', () => {
  it('is true only when the template text right before [Z] ends with a space', () => {
    expect(maskPrecededBySpace(ok('[X] It was [Z].'))).toBe(true);
    expect(maskPrecededBySpace(ok('[Z]: [X]'))).toBe(false); // start of text
    expect(maskPrecededBySpace(ok('[X] ([Z])'))).toBe(false);
    expect(maskPrecededBySpace(ok('[X][Z]'))).toBe(false); // after an input (inputs are trimmed)
    expect(maskPrecededBySpace(ok('[X]\n[Z]'))).toBe(false); // BPE attaches only a space
    expect(maskPrecededBySpace(ok('[X] \\[ [Z]'))).toBe(true);
  });
});

describe('positions in large templates', () => {
  it('reports every unclosed bracket of a long multi-line template at its own line and column', () => {
    const line = '['.repeat(5_000);
    const parse = parseTemplate(`${line}\n${line}`);
    expect(parse.ok).toBe(false);
    if (parse.ok) return;
    const unclosed = parse.errors.filter((e) => e.code === 'unclosed-bracket');
    expect(unclosed).toHaveLength(10_000);
    const last = unclosed[unclosed.length - 1]!;
    expect(last.span.start).toBe(10_000);
    expect(last.params).toMatchObject({ line: 2, column: 5_000, multiline: 1 });
    expect(english(last)).toContain('line 2, character 5000');
  });
});
