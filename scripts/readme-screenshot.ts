// The README's screenshot (docs/playground.png), reproducibly: the built app (dist/, so run
// `npm run build` first — `npm run screenshot:readme` does both) in the tests' headless Chromium at
// 1440×900, light theme, English, a fresh profile, the generated test model loaded and every result
// scored. Offline: the Hub is never contacted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, openBrowser } from '../tests/e2e/browser.ts';
import { loadTestModel, waitForFreshResults } from '../tests/e2e/helpers.ts';
import { REPO_ROOT, startServer } from './bench/server.ts';

const out = join(REPO_ROOT, 'docs/playground.png');
const dist = join(REPO_ROOT, 'dist');
if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'models/clozelab-test/bert-tiny/config.json'))) {
  console.error('dist/ is missing or has no test models: run `npm run build` first (npm run screenshot:readme does).');
  process.exit(2);
}

const server = await startServer({ root: dist, modelDirs: [join(dist, 'models')] });
const session = await openBrowser(await findChromium(), { locale: 'en-US', colorScheme: 'light' });
try {
  const { page, context } = session;
  await context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${server.url}/`);
  await loadTestModel(page);
  await waitForFreshResults(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out });
  if (session.pageErrors.length > 0) throw new Error(`The page logged errors: ${session.pageErrors.join('; ')}`);
  console.log(`wrote ${out}`);
} finally {
  await session.close();
  await server.close();
}
