// Lint rules that keep the architecture: each third-party chat/exchange library has one owner folder,
// and the core imports nothing of ours but itself.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'docs/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'error',
      'no-restricted-imports': restrict([
        { group: ['ccxt'], message: 'ccxt lives only in src/feeds.' },
        { group: ['discord.js', '@discordjs/*'], message: 'discord.js lives only in src/adapters/discord.' },
        { group: ['telegraf', 'telegraf/*'], message: 'telegraf lives only in src/adapters/telegram.' },
      ]),
    },
  },
  { files: ['src/feeds/**', 'test/**', 'bench/**', 'scripts/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['src/adapters/discord/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['ccxt', 'telegraf', 'telegraf/*'], message: 'one library per owner folder' }]) },
  },
  {
    files: ['src/adapters/telegram/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['ccxt', 'discord.js', '@discordjs/*'], message: 'one library per owner folder' }]) },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['ccxt', 'discord.js', 'telegraf', 'telegraf/*', 'better-sqlite3', 'node:*'], message: 'the core does no I/O and knows no library' },
        { group: ['../feeds/*', '../adapters/*', '../store/*', '../alerts/*', '../charts/*', '../replies/*', '../../commands/*'], message: 'the core imports nothing of ours but itself (words live in src/replies)' },
      ]),
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  { files: ['src/cli.ts', 'src/main.ts', 'src/log.ts', 'bench/**', 'scripts/**', 'src/adapters/terminal/**', 'test/**'], rules: { 'no-console': 'off' } },
);
