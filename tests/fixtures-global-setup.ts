// Writes the generated test models (public/models/clozelab-test/…, .cache/fixtures/…) once per test
// run, before any test file starts, so that no test file has to: the same generator as
// `npm run fixtures`, which leaves up-to-date fixtures alone.
import { generateFixtures } from '../scripts/fixtures/models.ts';

export function setup(): void {
  const written = generateFixtures({ log: (line) => console.log(`fixtures: ${line}`) });
  if (written.length === 0) throw new Error('The fixture catalogue is empty.');
}
