// ESLint flat config (ESLint 9). Formatting is Prettier's job: eslint-config-prettier comes last.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'public/models/', '.cache/', 'test-results/', 'bench-results/'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // With noUncheckedIndexedAccess, `xs[i]!` is the idiom of the numeric code (hundreds of sites); not a bug source here.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Purely stylistic (`x!` vs `x as T`); both forms are used and either is clear.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // Numbers are interpolated on purpose; so are the optional fields of flat issue/hint records whose
      // presence their `code` implies (typing those as discriminated unions is a refactor, not a lint fix).
      // Objects, any, booleans and never are still reported.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowNullish: true,
          allowAny: false,
          allowBoolean: false,
          allowRegExp: false,
          allowNever: false,
        },
      ],
      // `() => set(...)` arrow shorthands returning void are the React/zustand idiom.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `[...s]` splits a string into code points on purpose here (character sets, column widths, truncation that
      // never cuts a surrogate pair); spreading promises, functions, Maps or class instances is still reported.
      '@typescript-eslint/no-misused-spread': ['error', { allow: ['string'] }],
      // `_name` marks a binding kept on purpose (e.g. a compile-time type check).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      // Its findings here are the deliberate checks of data that crosses a trust or environment boundary (worker
      // messages, JSON, links; `navigator`/`import.meta.env` absent in Node) where the static type claims more than
      // the runtime guarantees. Removing those checks would be the bug.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `a || b` on strings, numbers and booleans deliberately treats '' / 0 / false as missing; `??` would not.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: true }],
      // No-op callbacks (`.catch(() => {})`, `new Promise(() => {})`) are intended.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // `async` without `await` is used on purpose to implement Promise-returning interfaces (a throw becomes a
      // rejection); forgotten awaits are caught by no-floating-promises / no-misused-promises / await-thenable.
      '@typescript-eslint/require-await': 'off',
      // Passing a caught `unknown` reason on unchanged is right; wrapping it would change what callers see.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/ui/**'],
    rules: {
      // zustand actions (declared with method syntax in the store interfaces, implemented as closures)
      // and callback props are destructured on purpose; nothing here relies on `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['tests/**'],
    rules: {
      // vitest's asymmetric matchers (expect.stringContaining, expect.any, …) are typed `any`, and tests read
      // JSON.parse output or build deliberately malformed values to assert on them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // No-op reporters and stubs.
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // All of react-hooks 7's recommended set, the React Compiler rules included: the app is not compiled with the
    // React Compiler, but purity, refs, immutability, set-state-in-effect/-in-render and static-components are
    // React's rules either way, and the compiler runs once per file for all of them, so keeping the rest costs nothing.
    files: ['src/**/*.tsx', 'src/ui/**/*.ts'],
    extends: [reactHooks.configs.flat['recommended-latest']],
  },
  {
    files: ['**/*.tsx'],
    extends: [jsxA11y.flatConfigs.recommended],
  },
  // Environments per folder.
  {
    files: ['src/ui/**', 'src/store/**', 'src/main.tsx', 'scripts/bench/page/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/sw/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.serviceworker } },
  },
  {
    files: ['src/runtime/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker, ...globals.node } },
  },
  { files: ['src/core/**'], languageOptions: { globals: { ...globals['shared-node-browser'] } } },
  {
    files: ['src/cli/**', 'scripts/**', 'bin/**', 'tests/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['tests/e2e/**', 'scripts/bench/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  prettier,
);
