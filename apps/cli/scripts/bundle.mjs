// Bundles the compiled CLI (dist/) into dist/bundle/ for the `kiln` bin. Start-up is most of a
// `kiln validate` or `kiln inspect`, and Node spends it resolving and compiling modules: one
// bundle, split only where commands and plugins load lazily, starts several times faster than
// hundreds of small files. Packages with native parts stay external and load from node_modules
// only when a template names a plugin that needs them; the AWS SDK is a file of its own, see
// aws-sdk-bundling.mjs.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { AWS_SDK_MAIN_FIELDS, awsSdkFromCodeCachedBundle, bundleAwsSdk } from './aws-sdk-bundling.mjs';
import { compileValidators } from './compile-validators.mjs';

// Chunk names carry content hashes: clear out the previous build's, or they pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await compileValidators('dist/validators');

/** Puts the generated validator loader in place of src/precompiled-validators.ts's empty one. */
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/precompiled-validators\.js$/ }, () => ({ path: resolve('dist/validators/index.js') }));
  },
};

await build({
  entryPoints: ['dist/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  mainFields: AWS_SDK_MAIN_FIELDS,
  external: ['ssh2', 'cpu-features', 'esbuild'],
  logLevel: 'warning',
  plugins: [precompiledValidators, awsSdkFromCodeCachedBundle],
});

await bundleAwsSdk('dist/bundle');
