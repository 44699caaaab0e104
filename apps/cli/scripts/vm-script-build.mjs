// Builds a CommonJS file for vm.Script, the way src/code-cache runs the CLI and the AWS SDK's
// parts: what both bundles need from esbuild is here once.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

/** esbuild with the options every file run by vm.Script needs, then a check that it can be. */
export async function buildForVmScript(options) {
  await build({
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // vm.Script has no module loader for import(): a lazy import of a bundled module becomes a
    // lazy require of it (esbuild runs its top level on the first require only).
    supported: { 'dynamic-import': false },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    // Packages with an ES module build beside the CommonJS one (the AWS SDK's) are taken from
    // it, so that only what is imported is kept: the whole EC2 client is a 2 MB CommonJS file.
    mainFields: ['module', 'main'],
    logLevel: 'warning',
    ...options,
  });
  if (/\bimport\(/.test(readFileSync(options.outfile, 'utf8'))) {
    throw new Error(`${options.outfile} still has an import(): vm.Script could not run it`);
  }
}
