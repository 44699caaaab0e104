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
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: floors,
          // `validate` loads the build engine only past -syntax-only (start-up time), while `build`
          // imports it directly: both are right, so the mix is allowed for core. Likewise a
          // builder takes the WinRM options' schema statically and the WinRM client only to connect.
          checkDynamicDependenciesExceptions: ['@kiln/core', '@kiln/communicator-winrm'],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests of any floor may start real peers through tools/testbed (layer:tool); code may not.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: floors.map((floor) => ({
            ...floor,
            onlyDependOnLibsWithTags: [...floor.onlyDependOnLibsWithTags, 'layer:tool'],
          })),
        },
      ],
    },
  },
);
