import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { dirname } from 'node:path';
import {
  KilnError,
  formatSystemError,
  throwConfigErrors,
  type Artifact,
  type BuildContext,
  type Builder,
  type PrepareContext,
  type PrepareResult,
} from '@kiln/sdk';
import { fileArtifact } from './artifact.js';
import { fileConfigErrors, fileConfigWarnings, type FileConfig } from './config.js';
import { mockCommunicator } from './mock-communicator.js';

/** Writes one file from `content` or a `source` copy: Packer's file builder, fast and handy for tests. */
export class FileBuilder implements Builder<FileConfig> {
  private config?: FileConfig;

  prepare(config: FileConfig, _ctx: PrepareContext): PrepareResult {
    throwConfigErrors(fileConfigErrors(config));
    this.config = config;
    const warnings = fileConfigWarnings(config);
    return warnings.length > 0 ? { warnings } : {};
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const config = this.config;
    if (!config?.target) throw new Error('file builder: run() before prepare()');
    const target = config.target;
    try {
      if (dirname(target) !== '.') await mkdir(dirname(target), { recursive: true, mode: 0o755 });
      if (config.source) {
        await copy(config.source, target, ctx);
      } else {
        await writeFile(target, config.content ?? '', { mode: 0o600 });
      }
    } catch (error) {
      if (ctx.signal.aborted) throw new KilnError('CANCELLED', 'Build was cancelled.', { cause: error });
      throw new KilnError('IO', formatSystemError(error), { cause: error });
    }
    // As in Packer: no generated data, and a communicator on which everything succeeds.
    await ctx.hook.provision(mockCommunicator, {}, ctx.signal);
    return fileArtifact(target);
  }
}

/** Opens the source first, so that a missing source leaves no empty target, as in Packer. */
async function copy(source: string, target: string, ctx: BuildContext): Promise<void> {
  const input = createReadStream(source);
  await once(input, 'open');
  const output = createWriteStream(target);
  try {
    await once(output, 'open');
  } catch (error) {
    input.destroy();
    throw error;
  }
  ctx.ui.say(`Copying ${source} to ${target}`);
  await pipeline(input, output, { signal: ctx.signal });
  ctx.ui.say(`Copied ${output.bytesWritten} bytes`);
}
