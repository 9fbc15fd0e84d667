// Word attribution by occlusion: which words of an input moved the label distribution.
export { splitWords, inputWords, type InputWord } from './words.ts';
export {
  occlusionSet,
  removeWord,
  maskOcclusion,
  OCCLUSION_MODES,
  type OcclusionMode,
  type OcclusionSet,
} from './occlusion.ts';
export { explainInput, type AttributionResult, type AttributionOptions, type WordAttribution } from './run.ts';
export { topWords, type TopWord } from './top-words.ts';
