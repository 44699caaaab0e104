// Bundles the compiled CLI (dist/) into dist/bundle/kiln.cjs for the `kiln` bin, which runs it
// with V8's compiled code kept between runs (src/code-cache). Start-up is most of a `kiln
// validate` or `kiln inspect`, and much of a `kiln build` against a fast endpoint, and Node 20
// spends it resolving, reading and compiling modules: one file, whose code V8 need not compile
// again, starts faster than hundreds of modules, or than the dozens of chunks of an ES module
// bundle (Node 20 keeps no compiled code for ES modules). Commands and plugins stay lazy: each is
// a require() inside the file, run only when a template names it.
//
// Packages with native parts stay external and load from node_modules only when a template
// names a plugin that needs them. The AWS SDK parts are files of their own, with caches of their
// own, see aws-sdk-bundling.mjs.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { awsSdkFromCodeCachedBundle, bundleAwsSdk } from './aws-sdk-bundling.mjs';
import { compileValidators } from './compile-validators.mjs';
import { buildForVmScript } from './vm-script-build.mjs';

// Clear out the previous build's files.
rmSync('dist/bundle', { recursive: true, force: true });

await compileValidators('dist/validators');

/** Puts the generated validator loader in place of src/precompiled-validators.ts's empty one. */
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/precompiled-validators\.js$/ }, () => ({ path: resolve('dist/validators/index.js') }));
  },
};

await buildForVmScript({
  entryPoints: ['dist/main.js'],
  outfile: 'dist/bundle/kiln.cjs',
  // The sources are ES modules: strict, and import.meta.url is the file's URL (the bundle's).
  banner: { js: '"use strict";const __kilnBundleUrl=require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__kilnBundleUrl' },
  external: ['ssh2', 'cpu-features', 'esbuild'],
  plugins: [precompiledValidators, awsSdkFromCodeCachedBundle],
});

await bundleAwsSdk('dist/bundle');
