// Lint rules that guard the architecture: src/core and webview/ never import `vscode` (core is tested in
// plain Node; the webview is a browser bundle), and nothing imports across the webview boundary except the
// typed protocol in src/protocol.
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core and webview/ must not import vscode: keep them testable in plain Node and in the browser.' }],
  }],
};

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
  { files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'], rules: noVscode },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview is a browser bundle: talk to the extension through src/protocol messages.' }],
        patterns: [{ group: ['**/src/core/**', '**/src/features/**', '../src/extension*'], message: 'The webview may import only ../src/protocol.' }],
      }],
    },
  },
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
