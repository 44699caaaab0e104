// How the bundle takes in the AWS SDK.
//
// It is bundled from its ES modules (see vm-script-build.mjs) so that only the commands amazon-ebs
// names are kept: the whole EC2 client is a 2 MB CommonJS file that took longer to load than a
// whole build against a local endpoint.
//
// It is bundled apart, as CommonJS files (dist/bundle/aws-sdk-<part>.cjs) that the CLI runs with
// a code cache (src/code-cache): Node 20 keeps no compiled code for ES modules, and compiling the
// SDK again on every run was a quarter of a build's start-up. A build loads only the parts (EC2,
// STS, IAM, SSM, the credential chain) it uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildForVmScript } from './vm-script-build.mjs';

/** What builder-ec2 imports of the SDK, by the part name the CLI's loader knows it by. */
const SDK_PARTS = {
  ec2: resolve('../../packages/builder-ec2/dist/sdk/ec2-commands.js'),
  sts: resolve('../../packages/builder-ec2/dist/sdk/sts-commands.js'),
  iam: resolve('../../packages/builder-ec2/dist/sdk/iam-commands.js'),
  ssm: resolve('../../packages/builder-ec2/dist/sdk/ssm-commands.js'),
  credentials: createRequire(resolve('../../packages/builder-ec2/package.json')).resolve('@aws-sdk/credential-provider-node'),
};

/** The import specifiers, as builder-ec2's compiled code writes them, that name each part. */
const SPECIFIERS = new Map([
  ['./sdk/ec2-commands.js', 'ec2'],
  ['./sdk/sts-commands.js', 'sts'],
  ['./sdk/iam-commands.js', 'iam'],
  ['./sdk/ssm-commands.js', 'ssm'],
  ['@aws-sdk/credential-provider-node', 'credentials'],
]);

/**
 * The SDK's schema files describe every shape of a service as top-level constants, with computed
 * keys (`{ [_xN]: _iI }`, the names being string constants of the same file) which esbuild must
 * assume may run code: it would keep all ~3,400 EC2 shapes for the few dozen the used commands
 * reach. Writing those keys out as the strings they are lets it drop the rest.
 */
const awsSdkSchemaKeys = {
  name: 'aws-sdk-schema-keys',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/]schemas_\d+\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm)].map((match) => [match[1], match[2]]));
      return { contents: text.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key)), loader: 'js' };
    });
  },
};

/**
 * Writes one CommonJS file per part, `<outdir>/aws-sdk-<part>.cjs`, whose exports are the part's.
 * One file per part rather than one for all: a part behind a lazy import inside a file is kept
 * whole, while a file's own entry is tree-shaken down to the commands it names.
 */
export async function bundleAwsSdk(outdir) {
  for (const [part, entry] of Object.entries(SDK_PARTS)) {
    await buildForVmScript({ entryPoints: [entry], outfile: `${outdir}/aws-sdk-${part}.cjs`, plugins: [awsSdkSchemaKeys] });
  }
}

/**
 * For the CLI's own bundle: builder-ec2's imports of the SDK become modules that take the part
 * from its aws-sdk-<part>.cjs (through src/aws-sdk/load-aws-sdk.ts) and export the same names.
 */
export const awsSdkFromCodeCachedBundle = {
  name: 'aws-sdk-from-code-cached-bundle',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(\.\/sdk\/(ec2|sts|iam|ssm)-commands\.js|@aws-sdk\/credential-provider-node)$/ }, ({ path, importer }) => {
      if (!/[\\/]packages[\\/]builder-ec2[\\/]/.test(importer)) return undefined;
      return { path: SPECIFIERS.get(path), namespace: 'aws-sdk-part' };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'aws-sdk-part' }, async ({ path: part }) => {
      const names = Object.keys(await import(pathToFileURL(SDK_PARTS[part]).href)).filter((name) => name !== 'default' && name !== '__esModule');
      const loader = resolve('dist/aws-sdk/load-aws-sdk.js');
      return {
        contents: `import { loadAwsSdkPart } from ${JSON.stringify(loader)};\nexport const { ${names.join(', ')} } = loadAwsSdkPart(${JSON.stringify(part)});\n`,
        loader: 'js',
        resolveDir: process.cwd(),
      };
    });
  },
};
