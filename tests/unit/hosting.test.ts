// Hosting helpers in isolation: where the app finds its base path in a relative-base build, and
// the shell manifest the service worker is built with (tests/e2e/hosting.e2e.ts runs both for real).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../scripts/csp.ts';
import { isolationHeaders, shellManifest } from '../../scripts/hosting.ts';
import { appBasePath } from '../../src/runtime/app-base.ts';

describe('appBasePath', () => {
  it('uses an absolute base as it is (the dev server, absolute-base builds)', () => {
    expect(appBasePath('http://x/whatever.js', '/')).toBe('/');
    expect(appBasePath('http://x/whatever.js', '/clozelab')).toBe('/clozelab/');
  });

  it('finds the folder from the chunk URL in a relative-base build', () => {
    expect(appBasePath('https://u.github.io/clozelab/assets/index-Ab12.js', './')).toBe('/clozelab/');
    expect(appBasePath('http://127.0.0.1:8000/assets/worker-Cd34.js', './')).toBe('/');
    expect(appBasePath('http://school.example/~t/class%201/assets/worker-Cd34.js', './')).toBe('/~t/class%201/');
  });

  it('refuses to guess when the chunk is not in the assets folder', () => {
    expect(() => appBasePath('http://x/src/runtime/worker.ts', './')).toThrow(/assets/);
  });
});

describe('shellManifest', () => {
  const files = [
    { name: 'index.html', content: '<html>' },
    { name: 'assets/index-Ab12.js', content: 'code' },
    { name: 'assets/ort-Ef56.wasm', content: new Uint8Array([0, 97, 115, 109]) },
    { name: 'favicon.svg', content: '<svg/>' },
    { name: 'models/clozelab-test/bert-tiny/onnx/model.onnx', content: new Uint8Array(8) },
  ];

  it('lists the shell, not the models, and marks the hashed assets', () => {
    const manifest = shellManifest(files, 'assets');
    expect(manifest.files).toEqual(['assets/index-Ab12.js', 'assets/ort-Ef56.wasm', 'favicon.svg', 'index.html']);
    expect(manifest.hashed).toEqual(['assets/index-Ab12.js', 'assets/ort-Ef56.wasm']);
    expect(manifest.headers).toEqual({ ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy() });
  });

  it('has a version that changes with any byte of the shell, and only with the shell', () => {
    const version = shellManifest(files, 'assets').version;
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(shellManifest([...files].reverse(), 'assets').version).toBe(version);
    const changed = files.map((f) => (f.name === 'index.html' ? { ...f, content: '<html lang="en">' } : f));
    expect(shellManifest(changed, 'assets').version).not.toBe(version);
    const newModel = [...files, { name: 'models/school/bert/config.json', content: '{}' }];
    expect(shellManifest(newModel, 'assets').version).toBe(version);
  });
});

describe('docs/hosting.md', () => {
  it('shows the policy scripts/csp.ts produces in its nginx example', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/hosting.md'), 'utf8');
    expect(doc).toContain(`add_header Content-Security-Policy "${contentSecurityPolicy()}" always;`);
  });
});
