import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The floors of DESIGN.md: an import only ever points down, and plugins never import each other
// or core (core finds them through the registry).
const floors = [
  { sourceTag: 'layer:sdk', onlyDependOnLibsWithTags: ['layer:sdk'] },
  { sourceTag: 'layer:foundation', onlyDependOnLibsWithTags: ['layer:sdk', 'layer:foundation'] },
  { sourceTag: 'layer:plugin', onlyDependOnLibsWithTags: ['layer:sdk', 'layer:foundation'] },
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:sdk', 'layer:foundation'] },
  {
    sourceTag: 'layer:app',
    onlyDependOnLibsWithTags: ['layer:sdk', 'layer:foundation', 'layer:plugin', 'layer:core'],
  },
  {
    sourceTag: 'layer:tool',
    onlyDependOnLibsWithTags: ['layer:sdk', 'layer:foundation', 'layer:plugin', 'layer:core', 'layer:app'],
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: floors },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
