// ESLint: typescript-eslint's strict type-checked rules on the server's sources;
// the recommended type-checked ones on tests, bench and scripts. Formatting is
// Prettier's (npm run lint runs both).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', 'prisma/', 'test-artifacts/', 'data/', '**/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The few scripts the console serves run in the browser (no bundler, no imports).
    files: ['views/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', navigator: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    // `const { at: _at, ...rest } = row` drops a field on purpose.
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    rules: {
      // With noUncheckedIndexedAccess, `!` is how the code says an index it has just
      // checked or built is there; the rule would turn each into a runtime check.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Fastify plugins and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // Template literals with numbers are how this code builds SQL and messages.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    rules: {
      '@typescript-eslint/require-await': 'off',
      // Tests read JSON answers (typed any by light-my-request) and assert on them;
      // an assertion on the wrong shape fails the test, which is the check that matters.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
)
