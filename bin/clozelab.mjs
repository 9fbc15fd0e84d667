#!/usr/bin/env node
// Entry point of the `clozelab` command: registers tsx so the TypeScript CLI runs without a build.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/clozelab.ts');
