// Offline classroom kit: download Hugging Face Hub models into public/models/<id>/ so that the app
// serves them itself (the app checks /models/<id>/config.json before going to the Hub).
//
//   npm run models:download -- Xenova/bert-base-uncased [more ids…] [--dtype q8|fp32|fp16|q4 …]
//                              [--hub https://huggingface.co] [--revision main] [--out public/models]
//   npm run models:download -- --verify Xenova/bert-base-uncased   (re-check files against the manifest)
//
// Files: config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json (if the repo
// has it) and one ONNX file per dtype (default q8 = onnx/model_quantized.onnx), from
// <hub>/<id>/resolve/<revision>/<file>. Downloads go to "<file>.part" and resume with an HTTP
// Range request after an interruption. Large (LFS) files are checked against the sha256 the Hub
// announces (X-Linked-Etag on its redirect); every file's sha256 and size go into
// clozelab-manifest.json next to the files.
//
// This file is the command line; models-download/model.ts fetches and verifies one model,
// models-download/hub-file.ts one file, models-download/reporter.ts shows the progress.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DTYPE_FILES,
  downloadModel,
  MANIFEST_FILE,
  verifyModel,
  type DownloadOptions,
  type Dtype,
} from './models-download/model.ts';

const USAGE = `Usage: npm run models:download -- <hub id> [more ids…] [options]

Saves a Hugging Face Hub model into public/models/<id>/ so that ClozeLab serves it itself (offline classrooms).

Options:
  --dtype q8|fp32|fp16|q4   ONNX variant(s) to fetch; repeat or separate with commas (default q8 = onnx/model_quantized.onnx)
  --hub <url>               Hub address (default https://huggingface.co); files come from <hub>/<id>/resolve/<revision>/<file>
  --revision <rev>          branch, tag or commit (default main)
  --out <dir>               where models go (default public/models)
  --verify                  only re-check downloaded files against their clozelab-manifest.json
`;

export function parseArgs(argv: string[]): (DownloadOptions & { verify: boolean; help: boolean }) | { error: string } {
  const out: DownloadOptions & { verify: boolean; help: boolean } = { ids: [], dtypes: [], verify: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--verify') out.verify = true;
    else if (flag === '--dtype') {
      for (const d of (value() ?? '').split(',').filter(Boolean)) {
        if (!(d in DTYPE_FILES))
          return { error: `Unknown --dtype "${d}" (choose from ${Object.keys(DTYPE_FILES).join(', ')}).` };
        out.dtypes!.push(d as Dtype);
      }
    } else if (flag === '--hub') out.hub = value();
    else if (flag === '--revision') out.revision = value();
    else if (flag === '--out') out.outDir = value();
    else if (flag.startsWith('-')) return { error: `Unknown option ${flag}.` };
    else out.ids.push(arg);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    process.stderr.write(`${args.error}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || args.ids.length === 0) {
    process.stderr.write(USAGE);
    return args.help ? 0 : 2;
  }
  let failed = 0;
  for (const id of args.ids) {
    try {
      if (args.verify) {
        const problems = await verifyModel(id, args.outDir);
        process.stderr.write(
          problems.length === 0 ? `${id}: all files match the manifest\n` : `${problems.join('\n')}\n`,
        );
        if (problems.length > 0) failed++;
        continue;
      }
      const manifest = await downloadModel(id, args);
      process.stderr.write(
        `${id}: ${manifest.files.length} files in ${resolve(args.outDir ?? 'public/models', id)} (manifest: ${MANIFEST_FILE})\n`,
      );
    } catch (error) {
      failed++;
      process.stderr.write(`${id}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  if (!args.verify && failed < args.ids.length) {
    process.stderr.write(
      'Serve the app (npm run dev / preview, or dist/ after npm run build): ClozeLab loads these copies instead of the Hub.\n',
    );
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
