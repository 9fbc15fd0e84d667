// Serves the built app (dist/) with `vite preview` for the e2e tests and unpacks the Chromium they
// drive. A missing browser fails the run: e2e tests are never skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium } from './browser';

const root = resolve(import.meta.dirname, '../..');
let server: ChildProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  const chromium = await findChromium();
  if (!existsSync(resolve(root, 'dist/index.html'))) {
    throw new Error('dist/ is missing: run `npm run test:e2e` (it builds the app first).');
  }
  if (!existsSync(resolve(root, 'dist/models/clozelab-test/bert-tiny/config.json'))) {
    throw new Error('The generated test models are missing from dist/: run `npm run fixtures` before building.');
  }
  const port = 4300 + Math.floor(Math.random() * 500);
  server = spawn(
    resolve(root, 'node_modules/.bin/vite'),
    ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  server.stdout?.on('data', (chunk) => (output += String(chunk)));
  server.stderr?.on('data', (chunk) => (output += String(chunk)));
  const baseURL = `http://127.0.0.1:${port}`;
  await waitForServer(baseURL, 30_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- vite preview said ---\n${output}`);
  });
  project.provide('baseURL', baseURL);
  project.provide('chromiumPath', chromium);
}

export async function teardown(): Promise<void> {
  server?.kill('SIGTERM');
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server?.exitCode != null) throw new Error(`vite preview exited with code ${server.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms: ${String(lastError)}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    chromiumPath: string;
  }
}
