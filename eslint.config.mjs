// Lint rules that guard the architecture. Dependencies point one way:
//   webview/ → src/protocol → (types only) src/core ← src/features ← src/extension.ts
// src/core never imports vscode, src/protocol or src/features (it is tested in plain Node); src/protocol
// imports only types from src/core, plus the pure text helpers of src/core/text that both sides show; the
// webview (a browser bundle) imports only src/protocol.
import tseslint from 'typescript-eslint';

const VSCODE = { name: 'vscode', message: 'src/core, src/protocol and webview/ must not import vscode: keep them testable in plain Node and in the browser.' };

const CORE_DEPENDS_ON_NOTHING = {
  group: ['**/protocol', '**/protocol/**', '**/features', '**/features/**', '**/extension'],
  message: 'src/core depends on nothing but itself: the protocol and the features depend on core, never the other way.',
};

/** The TypeScript-aware rule (it knows `import type`); the base rule is off where it is used. */
function restrictImports(options) {
  return { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', options] };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', '.vscode-test-server/**', 'test-results/**', '.demo/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrictImports({ paths: [VSCODE], patterns: [CORE_DEPENDS_ON_NOTHING] }),
  },
  {
    // Leaf helpers that the webview shows through the protocol: they may depend on types only.
    files: ['src/core/text/**/*.ts'],
    rules: restrictImports({
      paths: [VSCODE],
      patterns: [
        CORE_DEPENDS_ON_NOTHING,
        // Any import at all, save what core may never import: a type import this allows is allowed outright.
        { regex: '^(?!(.*/)?(protocol|features|extension)(/|$))', allowTypeImports: true, message: 'src/core/text is re-exported to the webview: it may import types only.' },
      ],
    }),
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: restrictImports({
      paths: [VSCODE],
      patterns: [
        { group: ['**/core/**', '!**/core/text', '!**/core/text/**'], allowTypeImports: true, message: 'src/protocol takes only types from src/core (import type / export type), besides the text helpers of src/core/text.' },
        { group: ['**/features', '**/features/**', '**/extension'], message: 'src/protocol is the contract: it depends on no feature.' },
      ],
    }),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrictImports({
      paths: [{ name: 'vscode', message: 'The webview is a browser bundle: talk to the extension through src/protocol messages.' }],
      patterns: [{ group: ['**/src/core/**', '**/src/features/**', '../src/extension*'], message: 'The webview may import only ../src/protocol.' }],
    }),
  },
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
