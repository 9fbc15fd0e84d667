// Keeps the arrows pointing one way: ui → store → runtime/core.
// core is pure TypeScript (no React, DOM or model runtime); only runtime touches Transformers.js.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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

const problems = [];
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
console.log('Architecture check: imports point one way (ui → store → runtime/core).');
