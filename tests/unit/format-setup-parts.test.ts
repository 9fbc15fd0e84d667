// The helpers both converters (OpenPrompt, LM-BFF) use for whole setups: exporting every template,
// reading pasted template lines, and saying what a template file cannot hold.
import { describe, expect, it } from 'vitest';
import { defaultSetup, type PromptSetup } from '../../src/core/setup.ts';
import { formatFailure, formatWarning, type ConvertResult } from '../../src/core/formats/common.ts';
import { exportTemplates, importTemplateLines, inputsNotice } from '../../src/core/formats/setup-parts.ts';

/** A converter that upper-cases a template, fails on "bad" and warns on "odd". */
function shout(text: string): ConvertResult<string> {
  if (text.includes('bad')) return { ok: false, errors: [formatFailure('lmbff-template-empty', {})], warnings: [] };
  const warnings = text.includes('odd') ? [formatWarning('lmbff-sep', { part: 'odd' })] : [];
  return { ok: true, value: text.toUpperCase(), warnings };
}

function setupWith(templates: PromptSetup['templates'], active: string): PromptSetup {
  return { ...defaultSetup(), templates, activeTemplateId: active };
}

describe('exportTemplates', () => {
  it('puts the active template first and keeps the others in order', () => {
    const setup = setupWith(
      [
        { id: 'a', name: 'A', text: '[X] a [Z].' },
        { id: 'b', name: 'B', text: '[X] b [Z].' },
        { id: 'c', name: '', text: '[X] c [Z].' },
      ],
      'b',
    );
    const { templates, warnings } = exportTemplates(setup, (entry) => shout(entry.text));
    expect(templates).toEqual([
      { name: 'B', text: '[X] B [Z].' },
      { name: 'A', text: '[X] A [Z].' },
      { name: 'c', text: '[X] C [Z].' }, // no name: the id names it
    ]);
    expect(warnings).toEqual([]);
  });

  it('leaves out a template with errors, says so, and names the template in every warning', () => {
    const setup = setupWith(
      [
        { id: 'a', name: 'Good', text: '[X] odd [Z].' },
        { id: 'b', name: 'Broken', text: '[X] bad [Z].' },
      ],
      'a',
    );
    const { templates, warnings } = exportTemplates(setup, (entry) => shout(entry.text));
    expect(templates.map((t) => t.name)).toEqual(['Good']);
    expect(warnings.map((w) => [w.code, w.template])).toEqual([
      ['lmbff-sep', 'Good'],
      ['lmbff-template-empty', 'Broken'],
      ['template-skipped', undefined], // it names the template in its own words
    ]);
    expect(warnings[0]!.params).toEqual({ part: 'odd' }); // the converter's own params are kept
    expect(warnings[2]!.params).toEqual({ template: 'Broken' });
  });
});

describe('importTemplateLines', () => {
  const tool = { name: 'Tool', empty: formatFailure('openprompt-no-templates', {}) };

  it('reads one template per non-empty line into t1, t2, … named after the tool', () => {
    const read = importTemplateLines('  first odd \r\n\n second \n', shout, tool);
    expect(read.read).toBe(true);
    if (!read.read) return;
    expect(read.templates).toEqual([
      { id: 't1', name: 'Tool 1', text: 'FIRST ODD' },
      { id: 't2', name: 'Tool 2', text: 'SECOND' },
    ]);
    expect(read.warnings.map((w) => [w.code, w.template])).toEqual([['lmbff-sep', '1']]);
    expect(read.errors).toEqual([]);
  });

  it('keeps going past a line with errors, naming the line, so the caller reports everything at once', () => {
    const read = importTemplateLines('fine\nbad one\nalso fine', shout, tool);
    expect(read.read).toBe(true);
    if (!read.read) return;
    expect(read.templates.map((t) => t.id)).toEqual(['t1', 't3']);
    expect(read.errors.map((e) => [e.code, e.template])).toEqual([['lmbff-template-empty', '2']]);
  });

  it("refuses no line at all (the tool's own error), and more than 20", () => {
    expect(importTemplateLines(' \n\n', shout, tool)).toEqual({ read: false, errors: [tool.empty] });
    const many = importTemplateLines(Array.from({ length: 21 }, (_, i) => `t${i}`).join('\n'), shout, tool);
    expect(many).toEqual({ read: false, errors: [formatFailure('too-many-templates', { max: 20 })] });
    expect(importTemplateLines(Array.from({ length: 20 }, (_, i) => `t${i}`).join('\n'), shout, tool).read).toBe(true);
  });
});

describe('inputsNotice', () => {
  it('says how many example inputs a template file cannot hold, and nothing when there are none', () => {
    const setup = { ...defaultSetup(), inputs: [{ X: 'a' }, { X: 'b' }] };
    expect(inputsNotice(setup, 'LM-BFF')).toEqual([formatWarning('inputs-not-exported', { n: 2, tool: 'LM-BFF' })]);
    expect(inputsNotice({ ...setup, inputs: [] }, 'OpenPrompt')).toEqual([]);
  });
});
