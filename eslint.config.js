import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import lvmscope from './eslint.layering.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/tmp/**', 'test/lint/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { lvmscope },
    rules: {
      'lvmscope/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
  {
    // The engine must not reach for host globals: storage, time and randomness come in
    // through BlockStore, Clock and Random.
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'window', message: 'app/ has no DOM' },
        { name: 'document', message: 'app/ has no DOM' },
        { name: 'process', message: 'app/ has no Node; pass what you need in' },
        { name: 'Buffer', message: 'use Uint8Array in app/' },
        { name: 'setTimeout', message: 'use the Clock interface' },
        { name: 'setInterval', message: 'use the Clock interface' },
        { name: 'require', message: 'app/ uses ES imports only' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'use the Random interface (seeded in tests)' },
        { object: 'Date', property: 'now', message: 'use the Clock interface' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
