// What a score request must look like before any tokenization or model work: prompts with valid
// parts (separators, demonstration numbers ≥ 1), token ids inside the vocabulary, a sane top-k.
// Errors say which prompt and why.

import type { RenderedPrompt } from '../core/types.ts';
import { RuntimeError } from './errors.ts';

export function validateScoreInput(
  prompts: RenderedPrompt[],
  tokenIds: number[],
  topK: number,
  model: { vocabSize: number; maxLength: number },
): void {
  if (!Array.isArray(prompts)) throw new RuntimeError('invalid-input', 'score() expects an array of prompts.');
  if (!Array.isArray(tokenIds)) throw new RuntimeError('invalid-input', 'score() expects an array of token ids.');
  const V = model.vocabSize;
  for (const id of tokenIds) {
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new RuntimeError(
        'invalid-input',
        `Token id ${String(id)} is not in this model's vocabulary (0…${V - 1}). Were the label words tokenized with another model?`,
      );
    }
  }
  if (!Number.isFinite(topK) || topK < 0) {
    throw new RuntimeError('invalid-input', 'topK must be a number ≥ 0.');
  }
  prompts.forEach((p, i) => {
    if (!p || !Array.isArray(p.parts)) throw new RuntimeError('invalid-input', `Prompt ${i + 1} has no parts.`);
    for (const part of p.parts) {
      if (part.kind === 'mask') {
        if (!Number.isInteger(part.count) || part.count < 0 || part.count > model.maxLength) {
          throw new RuntimeError(
            'invalid-input',
            `Prompt ${i + 1} has a mask with an invalid count (${String(part.count)}).`,
          );
        }
      } else if (part.kind === 'template' || part.kind === 'input') {
        if (typeof part.text !== 'string')
          throw new RuntimeError('invalid-input', `Prompt ${i + 1} has a ${part.kind} part without text.`);
        if (part.kind === 'input' && part.contentFree !== undefined && typeof part.contentFree !== 'boolean')
          throw new RuntimeError(
            'invalid-input',
            `Prompt ${i + 1} has an input part with an invalid contentFree flag.`,
          );
        if (part.kind === 'input' && part.occlusion !== undefined && typeof part.occlusion !== 'boolean')
          throw new RuntimeError('invalid-input', `Prompt ${i + 1} has an input part with an invalid occlusion flag.`);
      } else if (part.kind !== 'separator') {
        throw new RuntimeError('invalid-input', `Prompt ${i + 1} has an unknown part kind.`);
      }
      const demo: unknown = part.kind === 'mask' ? undefined : part.demo;
      if (demo !== undefined && !(Number.isInteger(demo) && (demo as number) >= 1))
        throw new RuntimeError(
          'invalid-input',
          `Prompt ${i + 1} has a part with an invalid demonstration number (${JSON.stringify(demo) ?? typeof demo}); it must be 1, 2, ….`,
        );
    }
  });
}
