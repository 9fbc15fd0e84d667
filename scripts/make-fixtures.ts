/**
 * Writes the deterministic test-model fixtures (random weights — predictions are meaningless).
 *
 *   npm run fixtures                 # tiny models + broken variants (skips up-to-date ones)
 *   npm run fixtures -- --bench      # also the benchmark-size distilbert-shaped model
 *   npm run fixtures -- --force      # regenerate even if the stamp matches
 *
 * See scripts/fixtures/models.ts for the catalogue.
 */
import { generateFixtures } from './fixtures/models.ts';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--bench', '--force'].includes(a)) {
    console.error(`unknown argument ${a} (expected --bench and/or --force)`);
    process.exit(2);
  }
}

const t0 = performance.now();
const results = generateFixtures({
  bench: args.has('--bench'),
  force: args.has('--force'),
  log: (l) => console.log(l),
});
const written = results.filter((r) => r.status === 'written').length;
console.log(
  `fixtures: ${written} written, ${results.length - written} up to date (${((performance.now() - t0) / 1000).toFixed(2)} s)`,
);
