import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the '@kiln/source' condition, so tests
// run against src/ directly and never wait for a build.
export default defineConfig({
  resolve: { conditions: ['@kiln/source'] },
  ssr: { resolve: { conditions: ['@kiln/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
