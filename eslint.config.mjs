// `pnpm lint` (part of `pnpm test`): ESLint for correctness and the repository's boundaries,
// Prettier (run beside it) for layout; eslint-config-prettier turns off the rules Prettier owns.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Another package's sources are reached through its package name and exports map, never by path. */
const OTHER_PACKAGES_SRC = {
  group: ['@wxhub/*/src', '@wxhub/*/src/*', '@wxhub/*/test', '@wxhub/*/test/*'],
  message: "Import another package by its name (its exports map: '.' or './testing'), not its src/ or test/.",
};

/**
 * The local cloud's folders in layers, lowest first: a folder imports only from lower layers (and
 * from the package root's neutral modules, config.ts); the composition root, local-cloud.ts,
 * mounts each adapter (index.ts and testing/ are entries, like the root). This keeps the
 * folders free of cycles, type-only imports included, which import-x/no-cycle does not follow.
 */
const LOCAL_CLOUD_LAYERS = [
  ['http', 'db-query', 'permissions'],
  ['faults', 'sdk-backend'],
  ['storage', 'runtime', 'wechat', 'baidu'],
  ['persistence', 'openapi', 'triggers', 'tcb-http', 'client-api', 'project', 'wechat-project'],
  ['sharing', 'sdk-protocols'],
  ['admin-api'],
  ['console'],
  ['dev'],
];
const LOCAL_CLOUD_ZONES = LOCAL_CLOUD_LAYERS.flatMap((layer, level) =>
  layer.map((folder) => ({
    target: `./packages/local-cloud/src/${folder}`,
    from: LOCAL_CLOUD_LAYERS.slice(level)
      .flat()
      .filter((other) => other !== folder)
      .map((other) => `./packages/local-cloud/src/${other}`),
    message: `local-cloud/${folder} sits below these folders (see LOCAL_CLOUD_LAYERS in eslint.config.mjs): move the shared piece down, or mount the adapter in local-cloud.ts.`,
  })),
).filter((zone) => zone.from.length > 0);

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', 'build/', 'coverage/', '.tools/', '.local-cloud/', 'miniprogram/env.js'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // How the import rules parse the modules an import leads to (no-cycle follows them).
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'miniprogram/tsconfig.json', 'examples/message-push/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      // Zero import cycles, at any depth (type-only imports, which vanish at run time, excepted).
      'import-x/no-cycle': ['error', { maxDepth: Infinity }],
      // A relative path into another workspace package (../../other/src/x) bypasses its exports.
      'import-x/no-relative-packages': 'error',
      'import-x/no-restricted-paths': ['error', { zones: LOCAL_CLOUD_ZONES }],
      'no-restricted-imports': ['error', { patterns: [OTHER_PACKAGES_SRC] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Input validation refuses control characters on purpose (names, phone numbers, OCR text).
      'no-control-regex': 'off',
      // A `let` assigned once, but read by a closure created before the assignment, cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read parsed JSON bodies loosely and load page modules afresh (jest.isolateModules + require).
    files: ['**/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript that Node runs as CommonJS: the function runner, the jest reporter, test fixtures.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  prettier,
);
