// The prompt engine: pure TypeScript, no React, DOM or model runtime.
export * from './types.ts';
export * from './template.ts';
export * from './verbalizer.ts';
export * from './label-words.ts';
export * from './scoring.ts';
export * from './scoring-plan.ts';
export * from './label-distribution.ts';
export * from './label-scores.ts';
export * from './calibration.ts';
export * from './numerics.ts';
export * from './metrics.ts';
export * from './setup.ts';
export * from './setup-parse.ts';
export * from './models.ts';
