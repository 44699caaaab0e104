import {
  KilnError,
  messageOf,
  throwConfigErrors,
  type PrepareContext,
  type ProvisionContext,
  type Provisioner,
} from '@kiln/sdk';
import type { FileConfig } from './config.js';
import { downloadSource, uploadContent, uploadSource } from './transfer.js';
import { fileConfigErrors, fileSources } from './validate.js';

/** Copies files and directories to the machine, or from it, over the build's communicator. */
export class FileProvisioner implements Provisioner<FileConfig> {
  private config?: FileConfig;
  private render?: PrepareContext['render'];
  private cwd = process.cwd();

  prepare(config: FileConfig, ctx: PrepareContext): void {
    throwConfigErrors(fileConfigErrors(config, ctx.cwd));
    this.config = config;
    if (ctx.cwd) this.cwd = ctx.cwd;
    this.render = (text, data) => ctx.render(text, data);
  }

  async provision(ctx: ProvisionContext): Promise<void> {
    const { config, render } = this;
    if (!config || !render) throw new Error('file: provision() before prepare()');
    const communicator = ctx.communicator;
    if (!communicator) throw new KilnError('CONFIG_INVALID', 'The file provisioner needs a communicator; this build has none.');
    const rendered = (text: string, what: string): string => {
      try {
        return render(text, ctx.generatedData);
      } catch (error) {
        throw new KilnError('TEMPLATE_INTERPOLATION', `Error interpolating ${what}: ${messageOf(error)}`, { cause: error });
      }
    };
    const transfer = { ui: ctx.ui, communicator, signal: ctx.signal, cwd: this.cwd };
    const destination = rendered(config.destination ?? '', 'destination');
    if (config.content !== undefined) {
      await uploadContent(config.content, destination, transfer);
      return;
    }
    // Unlike Packer 1.6.6, every source is copied to the same destination: Packer appends one
    // download's name to the next one's path and stops after the first directory download.
    for (const source of fileSources(config)) {
      const path = rendered(source, 'source');
      if (config.direction === 'download') await downloadSource(path, destination, transfer);
      else await uploadSource(path, destination, transfer);
    }
  }
}
