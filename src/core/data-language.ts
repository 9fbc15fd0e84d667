// The language of labelled data, and whether it suits the model: one check for demos, uploaded
// files and pasted text alike. A model of another language reads most of the data's words as
// unknown, so every number of the evaluation would be meaningless.

import type { Dataset } from './dataset.ts';
import { MODEL_CATALOG, findCatalogModel, testModelFor } from './models.ts';

export type DataLanguage = 'en' | 'zh';

/** Characters looked at; enough to tell the language, cheap on a 100,000-row file. */
const SAMPLE_CHARS = 20_000;
/** Letters needed before we name a language. */
const MIN_LETTERS = 20;
/** Share of Han characters among letters from which text counts as Chinese (a Han character carries a word's worth). */
const HAN_SHARE = 0.2;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/** 'zh' when Han characters make up a good share of the letters, 'en' for Latin script, null when unsure. */
export function textLanguage(texts: Iterable<string>): DataLanguage | null {
  let han = 0;
  let latin = 0;
  let seen = 0;
  for (const text of texts) {
    for (const ch of text) {
      if (HAN.test(ch)) han++;
      else if (LATIN.test(ch)) latin++;
      if (++seen >= SAMPLE_CHARS) break;
    }
    if (seen >= SAMPLE_CHARS) break;
  }
  if (han + latin < MIN_LETTERS) return null;
  if (han >= HAN_SHARE * (han + latin)) return 'zh';
  return latin > 0 ? 'en' : null;
}

/** The texts of `columns` (the template slots' columns) in the first `maxRows` rows. */
export function datasetTexts(dataset: Dataset, columns: readonly string[], maxRows = 500): string[] {
  const indices = columns.map((c) => dataset.columns.indexOf(c)).filter((i) => i >= 0);
  const out: string[] = [];
  for (const row of dataset.rows.slice(0, maxRows)) for (const i of indices) out.push(row.values[i] ?? '');
  return out;
}

export interface LanguageMismatch {
  dataLanguage: DataLanguage;
  modelLanguage: DataLanguage;
  /** A real model of the data's language (the catalog's first). */
  suggestedModel: string;
  /** The generated test model of the data's language: loads at once and offline, random predictions. */
  testModel: string;
}

/**
 * Whether data with these texts is in another language than the model `modelId`; null when they
 * match, when the model is multilingual or not in the catalog, or when the language is unclear.
 */
export function languageMismatch(modelId: string, texts: Iterable<string>): LanguageMismatch | null {
  const model = findCatalogModel(modelId);
  if (!model || model.language === 'multi') return null;
  const dataLanguage = textLanguage(texts);
  if (!dataLanguage || dataLanguage === model.language) return null;
  const suggested = MODEL_CATALOG.find((m) => !m.testModel && m.language === dataLanguage);
  if (!suggested) return null;
  return {
    dataLanguage,
    modelLanguage: model.language,
    suggestedModel: suggested.id,
    testModel: testModelFor(dataLanguage).id,
  };
}
