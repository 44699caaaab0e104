import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  KilnError,
  formatSystemError,
  messageOf,
  type Artifact,
  type PostProcessContext,
  type PostProcessResult,
  type PostProcessor,
  type PrepareContext,
} from '@kiln/sdk';
import { atomicOutput } from '../common/atomic-output.js';
import { generatedDataOf } from '../common/generated-data.js';
import { DEFAULT_MANIFEST_OUTPUT, type ManifestConfig } from './config.js';
import { withManifestLock } from './lock.js';
import { formatManifest, parseManifest, type ManifestEntry, type ManifestFile } from './manifest-file.js';

export interface ManifestOptions {
  /** Unix seconds for build_time; injected by tests. */
  readonly now?: () => number;
}

/**
 * Records each build (name, type, files with sizes, artifact id, run UUID, custom data) in a JSON
 * file, and passes the artifact on untouched.
 */
export class ManifestPostProcessor implements PostProcessor<ManifestConfig> {
  private config: ManifestConfig = {};
  private render?: PrepareContext['render'];

  constructor(private readonly options: ManifestOptions = {}) {}

  prepare(config: ManifestConfig, ctx: PrepareContext): void {
    this.config = config;
    this.render = (text, data) => ctx.render(text, data);
  }

  async postProcess(artifact: Artifact, ctx: PostProcessContext): Promise<PostProcessResult> {
    const output = this.config.output || DEFAULT_MANIFEST_OUTPUT;
    const entry = await this.entryFor(artifact, ctx);
    await withManifestLock(output, async () => {
      const previous = await readManifest(output);
      // -force starts the file over, once per run: later builds of the same run still append.
      const kept = ctx.env.force && previous.last_run_uuid !== ctx.env.runUuid ? [] : previous.builds;
      const manifest: ManifestFile = { builds: [...kept, entry], last_run_uuid: ctx.env.runUuid };
      await writeManifest(output, formatManifest(manifest));
    });
    // The manifest never destroys what it records.
    return { artifact, keep: true, forceOverride: true };
  }

  private async entryFor(artifact: Artifact, ctx: PostProcessContext): Promise<ManifestEntry> {
    const data = generatedDataOf(artifact);
    let customData: Record<string, string> | null = null;
    if (this.config.custom_data) {
      customData = {};
      for (const [key, value] of Object.entries(this.config.custom_data)) {
        try {
          customData[key] = this.render ? this.render(value, data) : value;
        } catch (error) {
          throw new KilnError('TEMPLATE_INTERPOLATION', `Error interpolating custom data: ${messageOf(error)}`, { cause: error });
        }
      }
    }
    const files = [];
    for (const name of artifact.files) {
      const size = await stat(name).then((s) => s.size, () => 0);
      files.push({ name: this.config.strip_path ? basename(name) : name, size });
    }
    return {
      name: ctx.env.buildName,
      builder_type: ctx.env.builderType,
      build_time: this.config.strip_time ? 0 : (this.options.now?.() ?? Math.floor(Date.now() / 1000)),
      files: files.length > 0 ? files : null,
      artifact_id: artifact.id,
      packer_run_uuid: ctx.env.runUuid,
      custom_data: customData,
    };
  }
}

async function readManifest(path: string): Promise<ManifestFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { builds: [], last_run_uuid: '' };
    throw new KilnError('IO', `Unable to open ${path} for reading: ${formatSystemError(error)}`, { cause: error });
  }
  if (text === '') return { builds: [], last_run_uuid: '' };
  try {
    return parseManifest(text);
  } catch (error) {
    throw new KilnError('IO', `Unable to parse content from ${path}: ${messageOf(error)}`, { cause: error });
  }
}

async function writeManifest(path: string, text: string): Promise<void> {
  const output = await atomicOutput(path);
  try {
    await writeFile(output.tempPath, text, { mode: 0o664 });
    await output.commit();
  } catch (error) {
    await output.abort();
    throw new KilnError('IO', `Unable to write ${path}: ${formatSystemError(error)}`, { cause: error });
  }
}
