// The ClozeLab command line: `clozelab eval …` (see README, "Command line"). Runs through tsx
// (bin/clozelab.mjs), so the TypeScript sources are used as they are.

import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { EVAL_USAGE, EXIT, evalCommand } from './eval-command.ts';
import { FEWSHOT_USAGE, fewshotCommand } from './fewshot-command.ts';

const USAGE = `ClozeLab command line

Commands:
  clozelab eval --setup <setup.json> --data <data.csv> [options]      evaluate a setup on labelled data
  clozelab fewshot --setup <setup.json> --data <data.csv> [options]   few-shot learning curve (K-shot, seeds)
  clozelab help [eval|fewshot]                                        show this help, or a command's

${EVAL_USAGE}

${FEWSHOT_USAGE}`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const stdout = (text: string) => void process.stdout.write(text);
  const stderr = (text: string) => void process.stderr.write(text);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    stdout((rest[0] === 'eval' ? EVAL_USAGE : rest[0] === 'fewshot' ? FEWSHOT_USAGE : USAGE) + '\n');
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command !== 'eval' && command !== 'fewshot') {
    stderr(`clozelab: unknown command "${command}". Commands: eval, fewshot, help.\n`);
    return EXIT.usage;
  }
  // Ctrl+C stops the run after the current batch; the finished part is still printed.
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await (command === 'eval' ? evalCommand : fewshotCommand)(rest, {
      stdout,
      stderr,
      progressToTerminal: process.stderr.isTTY ?? false, // undefined when not a terminal, though typed boolean
      cwd: process.cwd(),
      projectRoot,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `clozelab: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.failed;
  },
);
