// Setup schema v2: a second model, verbalizer variants and a grid; version 1 links, saved
// workspaces and exported files keep opening (migrated to v2 with those fields empty).
import { describe, expect, it } from 'vitest';
import { formatSetupError } from '../../src/core/messages/index.ts';
import { decodeShareFragment, encodeShareFragment } from '../../src/core/share-link.ts';
import { exportSetupJson, parseSetup, parseSetupJson } from '../../src/core/setup-parse.ts';
import { defaultSetup, SETUP_LIMITS, SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import { restoreWorkspace } from '../../src/store/persistence.ts';

/** A version 1 setup exactly as ClozeLab 1 exported it (before compareModel, variants and grids). */
const V1_JSON = {
  version: 1,
  name: 'SST-2 at v1',
  model: { id: 'clozelab-test/bert-tiny', source: 'local', dtype: 'q8', device: 'auto' },
  templates: [
    { id: 't1', name: 'It was', text: '[X] It was [Z].' },
    { id: 't2', name: 'A … movie', text: '[X] A [Z] movie.' },
  ],
  activeTemplateId: 't2',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible'] },
    ],
  },
  scoring: { aggregation: 'sum', multiToken: 'all-subtokens', lengthNormalize: true, calibrate: true },
  inputs: [{ X: 'A fine film.' }],
};

/** The share link ClozeLab 1 made for V1_JSON (link format 2, setup version 1), as a literal. */
const V1_LINK =
  '#s=2.8070531d.N4IgbgpgTgzglgewHYgFwEYA0IkEMC2EaIAyiQCoC0ATAAS4AutY6I2+CAJhADZqhxOxAMY8EAL164ARpQYQYDAPTToDOXCQBPNiBgIArlGFFUIMcNx9snBloAOpkAEcAHLu5g4J4rgMMEEABfbHl8ex5GBTQAbQEhMwZWbDxCYgBJJgB3XBhdeQAPBmIYgA0AXVpM2hyYWhiALXKAOmDMeOIGal1UpwBBWkAyAloOLyJQiCKSitoBxsrRuAhWoPLsXGEGOEhyCHDI+XSEkC7dSChpKzhJKH5zGV481Dj71T4zewR4LchdLIQoJwnjEQABzKAQRi6UEILggcohUCRN7EJAQUGMbbjED-QHAk7QKBwaQ8IgIhHYGDCAGaUF3XCg8HozHIYgwAz4XT4Aw8LbkBAAawgKDMVh4lHZ0gCQqQeWwpKQoIYAAsAHIA-BXSRoBhQAwQbCWHjEqBRHV6iAhECaez+YGgUrEAYAM00EForp4+BWCKAAnpm';

const migratedV1 = { ...V1_JSON, version: SETUP_VERSION, compareModel: null, verbalizerVariants: [], grid: null };

/** A v2 setup using everything v2 added. */
function gridSetup(): PromptSetup {
  const s = defaultSetup();
  return {
    ...s,
    templates: [
      { id: 't1', name: 'It was', text: '[X] It was [Z].' },
      { id: 't2', name: 'A … movie', text: '[X] A [Z] movie.' },
      { id: 't3', name: 'All in all', text: 'All in all [Z]. [X]' },
    ],
    compareModel: { id: 'clozelab-test/roberta-tiny', source: 'local', dtype: 'q8', device: 'wasm' },
    verbalizerVariants: [
      {
        name: 'short',
        labels: [
          { label: 'negative', words: ['bad'] },
          { label: 'positive', words: ['good'] },
        ],
      },
    ],
    grid: {
      templateIds: ['t1', 't3'],
      verbalizers: ['main', 'short'],
      models: ['setup', 'compare', { id: 'Xenova/bert-base-uncased', source: 'hub', dtype: 'q8', device: 'auto' }],
      calibration: [false, true],
    },
  };
}

const errorsOf = (raw: unknown) => {
  const r = parseSetup(raw);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('setup v2: version 1 keeps opening', () => {
  it('a real version 1 link opens, migrated, and says it was version 1', () => {
    const back = decodeShareFragment(V1_LINK);
    expect(back).toEqual({ ok: true, setup: migratedV1, linkVersion: 2, setupVersion: 1 });
  });

  it('a version 1 export (JSON file) imports', () => {
    const r = parseSetupJson(`${JSON.stringify(V1_JSON, null, 2)}\n`);
    expect(r).toEqual({ ok: true, setup: migratedV1 });
  });

  it('a workspace saved by version 1 restores', () => {
    const saved = JSON.stringify({ version: 1, workspace: { setup: V1_JSON, verbalizerText: 'positive: great' } });
    const out = restoreWorkspace(saved);
    expect(out.kind).toBe('restored');
    expect(out.workspace.setup).toEqual(migratedV1);
    expect(out.workspace.verbalizerText).toBe('positive: great');
  });

  it('the migrated setup is written back as version 2', () => {
    const r = parseSetup(V1_JSON);
    if (!r.ok) throw new Error('expected a setup');
    expect(JSON.parse(exportSetupJson(r.setup).text)).toMatchObject({ version: 2, grid: null });
  });
});

describe('setup v2: variants, second model and grid travel everywhere', () => {
  it('link → setup and export → import are the identity; the link stays short', () => {
    const setup = gridSetup();
    expect(parseSetup(setup)).toEqual({ ok: true, setup });
    const link = encodeShareFragment(setup);
    if (!link.ok) throw new Error('expected a link');
    expect(decodeShareFragment(`#${link.fragment}`)).toEqual({ ok: true, setup, linkVersion: 2, setupVersion: 2 });
    // The v2 fields add a few hundred characters at most to the default setup's link.
    const plain = encodeShareFragment(defaultSetup());
    if (!plain.ok) throw new Error('expected a link');
    expect(link.payloadChars - plain.payloadChars).toBeLessThan(400);
    expect(parseSetupJson(exportSetupJson(setup).text)).toEqual({ ok: true, setup });
  });

  it('models default to the setup model, calibration to off and on', () => {
    const raw = { ...gridSetup(), grid: { templateIds: ['t1'], verbalizers: ['main'] } };
    const r = parseSetup(raw);
    if (!r.ok) throw new Error('expected a setup');
    expect(r.setup.grid).toEqual({
      templateIds: ['t1'],
      verbalizers: ['main'],
      models: ['setup'],
      calibration: [false, true],
    });
  });
});

describe('setup v2: variants are checked, with messages that name the variant', () => {
  const withVariant = (labels: { label: string; words: string[] }[], name = 'short') => ({
    ...gridSetup(),
    grid: null,
    verbalizerVariants: [{ name, labels }],
  });

  it('a variant missing a label, or with an extra one', () => {
    const errors = errorsOf(
      withVariant([
        { label: 'positive', words: ['good'] },
        { label: 'neutral', words: ['fine'] },
      ]),
    );
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['verbalizerVariants[0].labels', 'variant-label-missing'],
      ['verbalizerVariants[0].labels[1].label', 'variant-label-unknown'],
    ]);
    expect(formatSetupError(errors[0]!, 'en')).toBe(
      'Verbalizer variant 1: The variant "short" has no words for the label "negative"; a variant needs the same labels as the verbalizer.',
    );
    expect(formatSetupError(errors[1]!, 'zh')).toBe(
      '标签词映射变体 1：变体“short”有标签“neutral”，但标签词映射里没有这个标签；变体必须和标签词映射有相同的标签。',
    );
  });

  it('names: not empty, not "main", not twice; words within the variant limits', () => {
    const labels = [
      { label: 'positive', words: ['good'] },
      { label: 'negative', words: ['bad'] },
    ];
    expect(errorsOf(withVariant(labels, '')).map((e) => e.code)).toEqual(['variant-name-empty']);
    expect(errorsOf(withVariant(labels, '  ')).map((e) => e.code)).toEqual(['variant-name-invalid']);
    const reserved = errorsOf(withVariant(labels, 'main'));
    expect(reserved.map((e) => e.code)).toEqual(['variant-name-reserved']);
    expect(formatSetupError(reserved[0]!, 'en')).toMatch(/"main" is the name of the main verbalizer/);
    const twice = {
      ...withVariant(labels),
      verbalizerVariants: [
        { name: 'a', labels },
        { name: 'a', labels },
      ],
    };
    expect(errorsOf(twice).map((e) => [e.path, e.code])).toEqual([
      ['verbalizerVariants[1].name', 'duplicate-variant-name'],
    ]);
    const dupWord = withVariant([
      { label: 'positive', words: ['good', 'good'] },
      { label: 'negative', words: ['bad'] },
    ]);
    expect(errorsOf(dupWord).map((e) => [e.path, e.code])).toEqual([
      ['verbalizerVariants[0].labels[0].words[1]', 'setup-duplicate-word'],
    ]);
    const many = Array.from({ length: SETUP_LIMITS.verbalizerVariants + 1 }, (_, i) => ({ name: `v${i}`, labels }));
    expect(errorsOf({ ...withVariant(labels), verbalizerVariants: many })[0]).toMatchObject({
      path: 'verbalizerVariants',
      code: 'too-many',
    });
  });
});

describe('setup v2: the grid names what the setup has', () => {
  it('unknown template or variant, a second model that is not there, duplicates, empty axes', () => {
    const base = gridSetup();
    const bad = {
      ...base,
      compareModel: null,
      grid: {
        templateIds: ['t1', 'nope', 't1'],
        verbalizers: ['main', 'long'],
        models: ['compare'],
        calibration: [true, true],
      },
    };
    expect(errorsOf(bad).map((e) => [e.path, e.code])).toEqual([
      ['grid.templateIds[1]', 'grid-template'],
      ['grid.verbalizers[1]', 'grid-verbalizer'],
      ['grid.models[0]', 'grid-compare-model'],
      ['grid.templateIds[2]', 'grid-duplicate'],
      ['grid.calibration[1]', 'grid-duplicate'],
    ]);
    const messages = errorsOf(bad).map((e) => formatSetupError(e, 'en'));
    expect(messages[0]).toBe('Grid templates: The grid names the template "nope", which the setup does not have.');
    expect(messages[1]).toBe(
      'Grid verbalizers: The grid names the verbalizer variant "long", which the setup does not have.',
    );
    const empty = { ...base, grid: { ...base.grid!, verbalizers: [] } };
    expect(errorsOf(empty).map((e) => [e.path, e.code])).toEqual([['grid.verbalizers', 'grid-axis-empty']]);
  });
});
