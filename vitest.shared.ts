import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the '@kiln/source' condition, so tests
// run against src/ directly and never wait for a build.
export default defineConfig({
  resolve: { conditions: ['@kiln/source'] },
  ssr: { resolve: { conditions: ['@kiln/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Integration tests race real sshd, QEMU and moto processes on a 2-core machine; under CI's
    // load a timing-sensitive one gets a second attempt. A test that fails twice still fails.
    retry: process.env.CI ? 1 : 0,
  },
});
