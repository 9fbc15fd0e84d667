import { describe, expect, it } from 'vitest';
import { lmBffMappingToVerbalizer } from '../../src/core/formats/lmbff-mapping.ts';
import { lmBffToTemplate } from '../../src/core/formats/lmbff-template.ts';
import { PRESETS } from '../../src/core/presets.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';
import { isValidModelId } from '../../src/core/setup.ts';
import { parseTemplate } from '../../src/core/template.ts';
import { formatVerbalizer, parseVerbalizer } from '../../src/core/verbalizer.ts';
import { decodeShareFragment, encodeShareFragment } from '../../src/core/share-link.ts';
import { parseDemoTemplate } from '../../src/core/demo-template.ts';
import { FEWSHOT_SEEDS } from '../../src/core/fewshot/types.ts';

describe('presets', () => {
  it('have unique ids and cover the papers the issue names', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'lmbff-sst2',
      'lmbff-sst5',
      'lmbff-mr',
      'lmbff-cr',
      'lmbff-subj',
      'lmbff-trec',
      'lmbff-rte',
      'lmbff-mrpc',
      'lmbff-mnli',
      'pet-yelp',
      'pet-agnews',
      'pet-yahoo',
      'pet-mnli',
    ]) {
      expect(ids).toContain(id);
    }
    expect(PRESETS.filter((p) => p.language === 'zh').length).toBeGreaterThanOrEqual(2);
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s is a valid PromptSetup with valid templates, verbalizer and inputs',
    (_id, preset) => {
      const parsed = parseSetup(preset.setup);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(parsed.setup).toEqual(preset.setup);
      expect(isValidModelId(preset.setup.model.id)).toBe(true);
      for (const t of preset.setup.templates) {
        const r = parseTemplate(t.text);
        expect(r.ok, t.text).toBe(true);
        if (!r.ok) continue;
        expect(r.warnings).toEqual([]);
        // Every example input fills exactly the template's slots.
        for (const row of preset.setup.inputs) expect(Object.keys(row).sort()).toEqual([...r.template.slots].sort());
      }
      const v = parseVerbalizer(formatVerbalizer(preset.setup.verbalizer));
      expect(v.ok && v.warnings).toEqual([]);
      expect(preset.setup.inputs.length).toBeGreaterThan(0);
      // Presets travel in share links.
      const link = encodeShareFragment(preset.setup);
      expect(link.ok).toBe(true);
      if (link.ok) expect(decodeShareFragment(link.fragment)).toMatchObject({ ok: true, setup: preset.setup });
    },
  );

  it('published numbers state the model and whether they are verified', () => {
    for (const p of PRESETS) {
      for (const r of p.results) {
        expect(r.model).toBe('RoBERTa-large');
        expect(r.value).toBeGreaterThan(0);
        expect(r.value).toBeLessThan(100);
      }
      if (p.paper === null) expect(p.results).toEqual([]);
    }
    const byId = Object.fromEntries(PRESETS.map((p) => [p.id, p]));
    expect(byId['lmbff-sst2']!.results).toEqual([expect.objectContaining({ value: 83.6, verified: true })]);
    for (const id of ['lmbff-sst5', 'lmbff-mr', 'lmbff-cr', 'lmbff-subj', 'lmbff-trec']) {
      expect(
        byId[id]!.results.every((r) => !r.verified),
        id,
      ).toBe(true);
    }
  });

  it.each(PRESETS.filter((p) => p.original).map((p) => [p.id, p] as const))(
    "%s: LM-BFF's own template and mapping convert to the preset",
    (_id, preset) => {
      const original = preset.original!;
      const template = lmBffToTemplate(original.template);
      expect(template.ok && template.value).toBe(preset.setup.templates[0]!.text);
      const mapping = lmBffMappingToVerbalizer(original.mapping);
      if (!mapping.ok) throw new Error('mapping');
      expect(mapping.value.labels.map((l) => ({ label: original.labels[l.label], words: l.words }))).toEqual(
        preset.setup.verbalizer.labels,
      );
    },
  );

  it("LM-BFF's few-shot presets carry its protocol (K = 16, 5 seeds, demonstrations) and its numbers as theirs", () => {
    // LM-BFF Table 3, RoBERTa-large fine-tuned, mean (std) over 5 seeds — quoted from memory.
    const expected: Record<string, [number, number, number, number]> = {
      'lmbff-sst2': [92.7, 0.9, 92.6, 0.5],
      'lmbff-mr': [87.0, 1.2, 86.6, 2.2],
      'lmbff-cr': [90.3, 1.0, 90.2, 1.2],
      'lmbff-trec': [84.8, 5.1, 87.5, 3.2],
      'lmbff-mnli': [68.3, 2.3, 70.7, 1.3],
    };
    for (const p of PRESETS) {
      const numbers = expected[p.id];
      if (!numbers) {
        expect(p.fewShot, p.id).toBeUndefined();
        continue;
      }
      const fewShot = p.fewShot!;
      expect(fewShot.ks).toEqual([16]);
      expect(fewShot.seeds).toEqual([...FEWSHOT_SEEDS]);
      expect(fewShot.reported.map((r) => [r.method, r.accuracy, r.std])).toEqual([
        ['prompt-finetuning', numbers[0], numbers[1]],
        ['prompt-finetuning-demos', numbers[2], numbers[3]],
      ]);
      for (const r of fewShot.reported) {
        // Theirs: the model and the training are named, and the numbers are marked to check.
        expect(r).toMatchObject({ model: 'RoBERTa-large', training: 'fine-tuned', verified: false });
        expect(r.source).toMatch(/Gao.*2021.*Table 3/);
      }
      // Demonstrations are written with the template itself, as LM-BFF does.
      for (const t of p.setup.templates) {
        expect(t.demo).toBe(t.text);
        const query = parseTemplate(t.text);
        expect(query.ok && parseDemoTemplate(t.demo!, query.template).ok).toBe(true);
      }
    }
  });
});
