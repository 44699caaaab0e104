// How the bundle takes in the AWS SDK. It is bundled from its ES modules (`module` before `main`)
// so that only the commands amazon-ebs names are kept: the whole EC2 client is a 2 MB CommonJS
// file that took longer to load than a whole build against a local endpoint. The builder loads
// its SDK parts with import(), so they are chunks of their own that other commands never load.
import { readFileSync } from 'node:fs';

/** Packages of the bundle with an ES module build (`module`) beside the CommonJS one: the SDK's. */
export const AWS_SDK_MAIN_FIELDS = ['module', 'main'];

/**
 * The SDK's schema files describe every shape of a service as top-level constants, with computed
 * keys (`{ [_xN]: _iI }`, the names being string constants of the same file) which esbuild must
 * assume may run code: it would keep all ~3,400 EC2 shapes for the few dozen the used commands
 * reach. Writing those keys out as the strings they are lets it drop the rest.
 */
export const awsSdkSchemaKeys = {
  name: 'aws-sdk-schema-keys',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/]schemas_\d+\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm)].map((match) => [match[1], match[2]]));
      return { contents: text.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key)), loader: 'js' };
    });
  },
};
