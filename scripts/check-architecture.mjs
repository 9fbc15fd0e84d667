// Keeps the arrows pointing one way: ui → store → runtime/core.
// core is pure TypeScript (no React, DOM or model runtime); only runtime touches Transformers.js.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = {
  'src/core': [
    /^react/,
    /^@huggingface\//,
    /^onnxruntime/,
    /^zustand/,
    /^recharts/,
    /\/(runtime|store|ui)\//,
    /^\.\.\/(runtime|store|ui)/,
  ],
  'src/runtime': [/^react/, /^zustand/, /^recharts/, /\/(store|ui)\//, /^\.\.\/(store|ui)/],
  'src/store': [/^react-dom/, /^recharts/, /^@huggingface\//, /^onnxruntime/, /\/ui\//, /^\.\.\/ui/],
  'src/ui': [/^@huggingface\//, /^onnxruntime/],
  // The service worker and its registration: no UI, no state, no model runtime (only the base path).
  'src/sw': [
    /^react/,
    /^zustand/,
    /^recharts/,
    /^@huggingface\//,
    /^onnxruntime/,
    /\/(store|ui)\//,
    /^\.\.\/(store|ui)/,
  ],
  'src/cli': [/^react/, /^zustand/, /^recharts/, /\/(store|ui)\//, /^\.\.\/(store|ui)/],
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx)$/.test(name)) yield path;
  }
}

// One module owns scoring: the low-level planning / scoring steps (core/scoring-plan.ts,
// core/label-distribution.ts, core/label-scores.ts) are called only by the scoring pipeline and by
// each other, and label words become token ids only in the binding step (core/bound-verbalizer.ts).
// Everything else (store, ui, cli, other core modules, scripts) goes through core/pipeline.ts, so
// live, compare, evaluation and the CLI cannot drift apart.
const owned = [
  {
    names: ['planScoring', 'labelDistribution', 'scoreLabels', 'scoreFromCache', 'requiredPrompts', 'planSupports'],
    owners: [
      'src/core/pipeline.ts',
      'src/core/scoring-plan.ts',
      'src/core/label-distribution.ts',
      'src/core/label-scores.ts',
    ],
    module: /(scoring-plan|label-distribution|label-scores|index)(\.ts)?$/,
    what: 'scoring goes through src/core/pipeline.ts',
  },
  {
    names: [
      'labelWordTexts',
      'labelWordForm',
      'resolveFromTokenizations',
      'resolveVerbalizer',
      'resolveVerbalizerAsync',
    ],
    owners: ['src/core/bound-verbalizer.ts', 'src/core/label-words.ts'],
    module: /(label-words|index)(\.ts)?$/,
    what: 'label words are bound to a model in src/core/bound-verbalizer.ts',
  },
];
const coreDir = join(root, 'src/core');
/** Whether an import specifier of `file` points into src/core. */
const intoCore = (file, spec) => spec.startsWith('.') && resolve(dirname(file), spec).startsWith(coreDir + '/');

const problems = [];
for (const dir of ['src', 'scripts']) {
  for (const file of files(join(root, dir))) {
    const path = relative(root, file);
    if (path === 'src/core/index.ts') continue; // the barrel re-exports everything; its importers are checked
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)\s+(type\s+)?([^'";]*?)\s+from\s+['"]([^'"]+)['"]/g)) {
      const [, typeOnly, clause, spec] = match;
      if (typeOnly || !intoCore(file, spec)) continue;
      const names = [...(/\{([^}]*)\}/.exec(clause)?.[1] ?? '').split(',')]
        .map((n) => n.trim())
        .filter((n) => n && !n.startsWith('type '))
        .map((n) => n.split(/\s+as\s+/)[0].trim());
      for (const rule of owned) {
        if (rule.owners.includes(path)) continue;
        const used = names.filter((n) => rule.names.includes(n));
        if (/\*/.test(clause) && rule.module.test(spec)) used.push('*'); // a namespace import
        for (const name of used) problems.push(`${path}: imports ${name} from '${spec}' (${rule.what})`);
      }
    }
  }
}

for (const [dir, forbidden] of Object.entries(rules)) {
  let all;
  try {
    all = [...files(join(root, dir))];
  } catch {
    continue;
  }
  for (const file of all) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = match[1] ?? match[2];
      const rule = forbidden.find((pattern) => pattern.test(spec));
      if (rule) problems.push(`${relative(root, file)}: imports '${spec}' (not allowed in ${dir})`);
    }
  }
}
if (problems.length) {
  console.error('Architecture check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log(
  'Architecture check: imports point one way (ui → store → runtime/core); scoring goes through src/core/pipeline.ts.',
);
