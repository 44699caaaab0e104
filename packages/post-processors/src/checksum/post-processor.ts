import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  KilnError,
  formatSystemError,
  messageOf,
  throwConfigErrors,
  type Artifact,
  type PostProcessContext,
  type PostProcessResult,
  type PostProcessor,
  type PrepareContext,
} from '@kiln/sdk';
import { atomicOutput, type AtomicOutput } from '../common/atomic-output.js';
import { generatedDataOf } from '../common/generated-data.js';
import { checksumArtifact } from './artifact.js';
import { DEFAULT_CHECKSUM_OUTPUT, checksumConfigErrors, type ChecksumConfig } from './config.js';

/** Writes checksum files for every file of the artifact, one file per algorithm by default. */
export class ChecksumPostProcessor implements PostProcessor<ChecksumConfig> {
  private types: readonly string[] = ['md5'];
  private output = DEFAULT_CHECKSUM_OUTPUT;
  private render?: PrepareContext['render'];

  prepare(config: ChecksumConfig, ctx: PrepareContext): void {
    throwConfigErrors(checksumConfigErrors(config));
    this.types = config.checksum_types ?? ['md5'];
    this.output = config.output || DEFAULT_CHECKSUM_OUTPUT;
    this.render = (text, data) => ctx.render(text, data);
  }

  async postProcess(artifact: Artifact, ctx: PostProcessContext): Promise<PostProcessResult> {
    const data: Record<string, unknown> = {
      ...generatedDataOf(artifact),
      BuildName: ctx.env.buildName,
      BuilderType: ctx.env.builderType,
    };
    // Lines per checksum file, in the order Packer writes them (type by type, file by file).
    const lines = new Map<string, string[]>();
    for (const type of this.types) {
      for (const file of artifact.files) {
        if (ctx.signal.aborted) throw new KilnError('CANCELLED', 'Post-processing was cancelled.');
        const path = this.renderOutput({ ...data, ChecksumType: type });
        const digest = await hashFile(type, file, ctx.signal);
        lines.set(path, [...(lines.get(path) ?? []), `${digest}\t${basename(file)}\n`]);
      }
    }
    const created = await writeChecksumFiles(lines);
    return { artifact: checksumArtifact([...artifact.files, ...created]), keep: true, forceOverride: true };
  }

  private renderOutput(data: Readonly<Record<string, unknown>>): string {
    try {
      return this.render ? this.render(this.output, data) : this.output;
    } catch (error) {
      throw new KilnError('TEMPLATE_INTERPOLATION', messageOf(error), { cause: error });
    }
  }
}

async function hashFile(type: string, file: string, signal: AbortSignal): Promise<string> {
  const hash = createHash(type);
  try {
    for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  } catch (error) {
    if (signal.aborted) throw new KilnError('CANCELLED', 'Post-processing was cancelled.', { cause: error });
    if ((error as NodeJS.ErrnoException).syscall === 'open') {
      throw new KilnError('IO', `unable to open file ${file}: ${formatSystemError(error)}`, { cause: error });
    }
    throw new KilnError('IO', `unable to compute ${type} hash for ${file}`, { cause: error });
  }
  return hash.digest('hex');
}

/**
 * Appends the lines to each checksum file (Packer opens them O_APPEND, so reruns accumulate), but
 * through temporary files renamed at the end: every file is complete or untouched. Returns the
 * files that did not exist before, which join the artifact (as in Packer, an existing one does not).
 */
async function writeChecksumFiles(lines: ReadonlyMap<string, readonly string[]>): Promise<string[]> {
  const outputs: AtomicOutput[] = [];
  const created: string[] = [];
  try {
    for (const [path, fileLines] of lines) {
      const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw new KilnError('IO', `unable to create file ${path}: ${formatSystemError(error)}`, { cause: error });
      });
      if (existing === undefined) created.push(path);
      let output: AtomicOutput;
      try {
        output = await atomicOutput(path, { createDirs: true });
      } catch (error) {
        throw new KilnError('IO', `unable to create dir: ${formatSystemError(error)}`, { cause: error });
      }
      outputs.push(output);
      await writeFile(output.tempPath, Buffer.concat([existing ?? Buffer.alloc(0), Buffer.from(fileLines.join(''))]), {
        mode: 0o644,
      });
    }
    for (const output of outputs) await output.commit();
    return created;
  } catch (error) {
    await Promise.all(outputs.map((output) => output.abort()));
    if (error instanceof KilnError) throw error;
    throw new KilnError('IO', formatSystemError(error), { cause: error });
  }
}

