import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  KilnError,
  formatSystemError,
  messageOf,
  type Artifact,
  type PostProcessContext,
  type PostProcessResult,
  type PostProcessor,
  type PrepareContext,
  type Ui,
} from '@kiln/sdk';
import { atomicOutput } from '../common/atomic-output.js';
import { generatedDataOf } from '../common/generated-data.js';
import { compressArtifact } from './artifact.js';
import { BgzfEncoder, zlibLevel } from './bgzf.js';
import {
  DEFAULT_COMPRESS_OUTPUT,
  detectFormat,
  effectiveLevel,
  type Algorithm,
  type Archive,
  type CompressConfig,
} from './config.js';
import { Lz4FrameEncoder } from './lz4.js';
import { tarStream } from './tar.js';
import { xzStage } from './xz.js';
import { zipStream } from './zip.js';

type Stage = Transform | ((source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>);

export interface CompressOptions {
  /** The xz program; injected by tests. */
  readonly xzProgram?: string;
}

/** Archives and/or compresses the artifact files into one file: tar, zip, gzip, xz, lz4, bgzf. */
export class CompressPostProcessor implements PostProcessor<CompressConfig> {
  private output = DEFAULT_COMPRESS_OUTPUT;
  private archive: Archive = 'tar';
  private algorithm: Algorithm = 'pgzip';
  private level = -1;
  private render?: PrepareContext['render'];

  constructor(private readonly options: CompressOptions = {}) {}

  prepare(config: CompressConfig, ctx: PrepareContext): void {
    this.output = config.output || DEFAULT_COMPRESS_OUTPUT;
    // Packer decides from the output as written, before rendering.
    ({ archive: this.archive, algorithm: this.algorithm } = detectFormat(this.output, config.format));
    this.level = effectiveLevel(config.compression_level);
    this.render = (text, data) => ctx.render(text, data);
  }

  async postProcess(artifact: Artifact, ctx: PostProcessContext): Promise<PostProcessResult> {
    const target = this.target(artifact, ctx);
    const files = artifact.files;
    const stage = this.compressionStage(target, ctx.ui);
    const compression = this.algorithm === '' ? 'no compression' : this.algorithm;

    let source: () => Promise<Readable>;
    let failure: (reason: string) => string;
    if (this.archive === 'tar') {
      ctx.ui.say(`Tarring ${target} with ${compression}`);
      source = async () => Readable.from(tarStream(files, ctx.signal));
      failure = (reason) => `Error creating tar: ${reason}`;
    } else if (this.archive === 'zip') {
      ctx.ui.say(`Zipping ${target}`);
      source = async () => Readable.from(zipStream(files, ctx.signal));
      failure = (reason) => `Error creating zip: ${reason}`;
    } else {
      if (files.length !== 1) {
        throw new KilnError(
          'STEP_FAILED',
          `Can only have 1 input file when not using tar/zip. Found ${files.length} files: [${files.join(' ')}]`,
        );
      }
      const file = files[0] as string;
      ctx.ui.say(`Archiving ${file} with ${compression}`);
      source = async () => {
        try {
          return (await open(file, 'r')).createReadStream();
        } catch (error) {
          throw new KilnError('IO', `Failed to open source file ${file} for reading: ${formatSystemError(error)}`, { cause: error });
        }
      };
      failure = (reason) => `Failed to compress ${file}: ${reason}`;
    }

    await this.write(target, source, stage, failure, ctx.signal);
    ctx.ui.say(`Archive ${target} completed`);
    return { artifact: compressArtifact(target), keep: false, forceOverride: false };
  }

  private target(artifact: Artifact, ctx: PostProcessContext): string {
    const data = { ...generatedDataOf(artifact), BuildName: ctx.env.buildName, BuilderType: ctx.env.builderType };
    try {
      return this.render ? this.render(this.output, data) : this.output;
    } catch (error) {
      throw new KilnError('TEMPLATE_INTERPOLATION', `Error interpolating output value: ${messageOf(error)}`, { cause: error });
    }
  }

  /** Says which compressor runs (Packer's wording, core counts included) and makes it. */
  private compressionStage(target: string, ui: Ui): Stage | undefined {
    const cores = availableParallelism();
    const invalidLevel = (): never => {
      throw new KilnError(
        'CONFIG_INVALID',
        `error creating ${this.algorithm} writer: Invalid compression level. Expected an integer from -1 to 9.`,
      );
    };
    switch (this.algorithm) {
      case 'bgzf':
        ui.say(`Using bgzf compression with ${cores} cores for ${target}`);
        if (this.level < -2) invalidLevel();
        return new BgzfEncoder(zlibLevel(this.level));
      case 'lz4':
        ui.say(`Using lz4 compression with ${cores} cores for ${target}`);
        return new Lz4FrameEncoder();
      case 'xz':
        ui.say(`Using xz compression with 1 core for ${target} (library does not support MT)`);
        return xzStage(this.options.xzProgram);
      case 'pgzip':
        ui.say(`Using pgzip compression with ${cores} cores for ${target}`);
        if (this.level < -2) invalidLevel();
        return createGzip(zlibLevel(this.level));
      default:
        return undefined;
    }
  }

  /** Writes through a temporary file that replaces the target only once complete. */
  private async write(
    target: string,
    source: () => Promise<Readable>,
    stage: Stage | undefined,
    failure: (reason: string) => string,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    } catch (error) {
      throw new KilnError('IO', `Unable to create dir for archive ${target}: ${formatSystemError(error)}`, { cause: error });
    }
    const output = await atomicOutput(target);
    try {
      const input = await source();
      const sink = createWriteStream(output.tempPath);
      await (stage ? pipeline(input, stage, sink, { signal }) : pipeline(input, sink, { signal }));
      await output.commit();
    } catch (error) {
      await output.abort();
      if (signal.aborted) throw new KilnError('CANCELLED', 'Post-processing was cancelled.', { cause: error });
      if (error instanceof KilnError) throw error;
      throw new KilnError('IO', failure(formatSystemError(error)), { cause: error });
    }
  }
}
