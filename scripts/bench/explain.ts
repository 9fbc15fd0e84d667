/**
 * npm run bench:explain — word attribution's cost in headless Chromium on the DistilBERT-shaped q8
 * model: one attribution of a 30-word input (n + 1 = 31 prompts, streamed in small requests on the
 * 'explain' lane) ÷ the same 31 prompts as one plain batch. Goal ≤ 1.1×. Prints the samples' medians.
 *
 *   npm run bench:explain                 # 9 rounds after 2 warm-up rounds
 *   npm run bench:explain -- --rounds=15  # more rounds
 */
import { splitWords } from '../../src/core/attribution/words.ts';
import { generateFixtures } from '../fixtures/models.ts';
import { buildBenchPage, openBrowserDriver } from './browser-driver.ts';
import type { ExplainSample } from './explain-driver.ts';
import { median } from './shared.ts';

const argv = process.argv.slice(2);
const value = (name: string): string | undefined =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
for (const a of argv) {
  if (!/^--(rounds|warmup)=\d+$/.test(a)) {
    console.error(`unknown argument ${a}; known: --rounds=N --warmup=N`);
    process.exit(2);
  }
}
const rounds = Math.max(1, Number(value('rounds') ?? 9));
const warmup = Math.max(0, Number(value('warmup') ?? 2));

// 30 words by the attribution's own splitting (punctuation marks count as words).
const TEXT =
  'The first hour drags badly, but the final act is clever, tense and moving, and the two leads give warm, honest performances that really linger.';
const n = splitWords(TEXT).length;
if (n !== 30) throw new Error(`the bench input has ${n} words, not 30`);
// The live chart's input differs, so the worker's mask-row cache holds none of the attribution's prompts.
const LIVE_INPUT = 'A short warm-up sentence.';

async function main(): Promise<void> {
  generateFixtures({ bench: true, log: (l) => console.log(l) });
  buildBenchPage();
  const handle = await openBrowserDriver();
  try {
    const load = await handle.driver.storeLoad('q8', true, LIVE_INPUT);
    const info = load.info as { dtype: string; device: string; threads: number | null; batchInvariant?: boolean };
    console.log(
      `model: clozelab-test/distilbert-shaped ${info.dtype} on ${info.device} (${info.threads ?? '?'} threads), batch-invariant: ${String(info.batchInvariant)}`,
    );
    const samples = (await handle.session.page.evaluate(
      ([text, r, w]) =>
        (
          globalThis as unknown as { bench: { explain(t: string, r: number, w: number): Promise<unknown> } }
        ).bench.explain(text, r, w),
      [TEXT, rounds, warmup] as const,
    )) as ExplainSample[];
    const of = (kind: ExplainSample['kind']) => samples.filter((s) => s.kind === kind);
    const attribution = of('attribution');
    const plain = of('plain');
    const ratios = attribution.map((a, i) => a.ms / plain[i]!.ms);
    const fmt = (x: number) => x.toFixed(1);
    console.log(`input: ${n} words → ${attribution[0]!.prompts} prompts (n + 1)`);
    console.log(
      `attribution: median ${fmt(median(attribution.map((s) => s.ms)))} ms in ${attribution[0]!.requests} requests; first words after ${fmt(median(attribution.map((s) => s.firstMs ?? NaN)))} ms (median)`,
    );
    console.log(`plain batch: median ${fmt(median(plain.map((s) => s.ms)))} ms in ${plain[0]!.requests} request`);
    console.log(
      `attribution ÷ plain batch: median ${median(ratios).toFixed(3)}× over ${ratios.length} rounds (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); goal ≤ 1.1×`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
