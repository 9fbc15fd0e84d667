// A few-shot run's separate test file: a second labelled file read with the data panel's parsers
// and turned into examples with the data panel's mapping (the same columns; label values the
// mapping doesn't list are matched to the labels by name, as for the training data).
import { autoLabelMap, buildExamples } from '../../core/dataset-mapping.ts';
import type { Dataset, DatasetMapping, EvalExample, RowProblem } from '../../core/dataset.ts';

export interface TestExamples {
  examples: EvalExample[];
  /** Rows left out (their line in the test file and why). */
  problems: RowProblem[];
  /** Columns the mapping uses that the test file lacks (then no row can be used). */
  missingColumns: string[];
}

const memo = new WeakMap<Dataset, { mapping: DatasetMapping; labels: string; result: TestExamples }>();

/** The test file's examples under the training data's mapping (memoized per file, mapping and labels). */
export function testExamples(dataset: Dataset, mapping: DatasetMapping, labels: readonly string[]): TestExamples {
  const key = labels.join('\u0000');
  const hit = memo.get(dataset);
  if (hit?.mapping === mapping && hit.labels === key) return hit.result;
  const used = [...Object.values(mapping.slots), mapping.labelColumn].filter((c): c is string => c !== null);
  const missingColumns = [...new Set(used)].filter((c) => !dataset.columns.includes(c));
  let result: TestExamples;
  if (missingColumns.length > 0 || mapping.labelColumn === null) {
    result = { examples: [], problems: [], missingColumns };
  } else {
    // The user's choices for the training data win; values only the test file has are matched by name.
    const labelMap = new Map([...autoLabelMap(dataset, mapping.labelColumn, labels), ...mapping.labelMap]);
    const built = buildExamples(dataset, { ...mapping, labelMap }, labels);
    result = { examples: built.examples, problems: [...dataset.problems, ...built.problems], missingColumns };
  }
  memo.set(dataset, { mapping, labels: key, result });
  return result;
}
