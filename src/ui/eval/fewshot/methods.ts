// How each few-shot method is named and drawn (the same colour and dash in the chart, its PNG and the table).
import type { FewShotMethod } from '../../../core/fewshot/types';
import type { MessageKey } from '../../i18n';
import { SERIES_COLORS } from '../Charts';

export const METHOD_KEYS: Record<FewShotMethod, MessageKey> = {
  'zero-shot': 'fewshot.method.zeroShot',
  calibrated: 'fewshot.method.calibrated',
  ensemble: 'fewshot.method.ensemble',
  demonstrations: 'fewshot.method.demonstrations',
  tuned: 'fewshot.method.tuned',
};

export const METHOD_HELP_KEYS: Record<FewShotMethod, MessageKey> = {
  'zero-shot': 'fewshot.method.zeroShotHelp',
  calibrated: 'fewshot.method.calibratedHelp',
  ensemble: 'fewshot.method.ensembleHelp',
  demonstrations: 'fewshot.method.demonstrationsHelp',
  tuned: 'fewshot.method.tunedHelp',
};

/** Colour and dash per method: lines stay apart in print and for colour-blind readers. */
export const METHOD_STYLE: Record<FewShotMethod, { color: string; dash: string }> = {
  'zero-shot': { color: SERIES_COLORS[3]!, dash: '6 4' },
  calibrated: { color: SERIES_COLORS[2]!, dash: '2 3' },
  ensemble: { color: SERIES_COLORS[5]!, dash: '8 3 2 3' },
  demonstrations: { color: SERIES_COLORS[1]!, dash: '' },
  tuned: { color: SERIES_COLORS[0]!, dash: '' },
};
