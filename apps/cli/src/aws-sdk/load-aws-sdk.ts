import { fileURLToPath } from 'node:url';
import { codeCacheDir } from '../code-cache/code-cache-dir.js';
import { loadWithCodeCache } from '../code-cache/load-with-code-cache.js';

/** The parts of the AWS SDK amazon-ebs loads, each bundled as dist/bundle/aws-sdk-<part>.cjs. */
export type AwsSdkPart = 'ec2' | 'sts' | 'iam' | 'ssm' | 'credentials';

const loaded = new Map<AwsSdkPart, Record<string, unknown>>();

/**
 * One part of the AWS SDK, from the CommonJS file scripts/bundle.mjs writes beside the CLI's
 * chunks, run with a code cache (see loadWithCodeCache). Only the bundled CLI imports this: the
 * bundle resolves builder-ec2's `import('./sdk/ec2-commands.js')` and the like to modules that
 * call it, so library users and tests load the SDK's ES modules as usual.
 */
export function loadAwsSdkPart(part: AwsSdkPart): Record<string, unknown> {
  let exports = loaded.get(part);
  if (!exports) {
    const file = fileURLToPath(new URL(`./aws-sdk-${part}.cjs`, import.meta.url));
    exports = loadWithCodeCache(file, { cacheDir: codeCacheDir() }) as Record<string, unknown>;
    loaded.set(part, exports);
  }
  return exports;
}
