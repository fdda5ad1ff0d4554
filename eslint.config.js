// ESLint: the recommended sets, not the type-checked ones, so a lint of the whole tree stays quick.
// Layout is Prettier's job (.prettierrc.json); the one layout rule here is the line length, which
// Prettier cannot enforce on strings, template literals and comments.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['fixtures/', 'tests/artifacts/', '.rasplab-cache/', 'dist/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The two classic hooks rules. The plugin's React Compiler rules are left out: the UI is not
    // compiled by it, and it forbids the one ref the UI reads while rendering (the value last shown).
    files: ['cli/tui/**/*.{ts,tsx}', 'tests/tui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 160, tabWidth: 2, ignoreUrls: true }],
      // `const { a: _a, ...rest } = x` is how this code drops a key; an unused `_name` is deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
]);
