import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { KilnError, formatSystemError, isKilnError, type Communicator, type PrepareContext, type Ui } from '@kiln/sdk';
import { guestCommands, type GuestCommands, type GuestOsType } from './guest-os.js';
import { goMarshalIndent } from './go-json.js';
import { runWithUi } from './remote.js';

/** What both chef provisioners settle at prepare and use the same way at run time. */
export interface ChefCommonPlan {
  readonly guestOsType: GuestOsType;
  readonly sudo: boolean;
  readonly skipInstall: boolean;
  readonly version: string;
  readonly installCommand: string;
  readonly executeCommand: string;
  readonly stagingDir: string;
  readonly json: Readonly<Record<string, unknown>>;
  readonly runList: readonly string[];
  readonly chefLicense: string;
  readonly chefEnvironment: string;
  readonly configTemplate: string;
  readonly encryptedDataBagSecretPath: string;
}

/**
 * Runs one stage of a chef run and wraps its failure in Packer's `<words>: <reason>` shape
 * (`Error installing Chef: Install script exited with non-zero exit status 3`).
 */
export async function stage<T>(words: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // A cancelled build is not a failed stage: let the host see the cancellation as such.
    if (isKilnError(error) && error.code === 'CANCELLED') throw error;
    if (error instanceof Error && error.name === 'AbortError') throw new KilnError('CANCELLED', 'Build cancelled', { cause: error });
    throw new KilnError('STEP_FAILED', `${words}: ${formatSystemError(error)}`, { cause: error });
  }
}

/** The remote operations a chef run is made of, each printing what Packer prints. */
export class ChefSession {
  readonly commands: GuestCommands;

  constructor(
    readonly plan: ChefCommonPlan,
    private readonly communicator: Communicator,
    private readonly ui: Ui,
    private readonly render: PrepareContext['render'],
    private readonly signal: AbortSignal,
  ) {
    this.commands = guestCommands(plan.guestOsType, plan.sudo);
  }

  /** Renders and runs install_command; `echo` also prints it first (chef-client does, chef-solo not). */
  async installChef(options: { echo: boolean }): Promise<void> {
    this.ui.message('Installing Chef...');
    const command = this.render(this.plan.installCommand, { Sudo: this.plan.sudo, Version: this.plan.version });
    if (options.echo) this.ui.message(command);
    const status = await this.run(command);
    if (status !== 0) throw new Error(`Install script exited with non-zero exit status ${status}`);
  }

  async createDir(dir: string): Promise<void> {
    this.ui.message(`Creating directory: ${dir}`);
    for (const command of [this.commands.createDir(dir), this.commands.chmod(dir, '0777')]) {
      if ((await this.run(command)) !== 0) throw new Error('Non-zero exit status. See output above for more info.');
    }
  }

  /** A local directory's contents into `remoteDir` (created first), as one fast directory upload. */
  async uploadDirectory(remoteDir: string, localDir: string): Promise<void> {
    await this.createDir(remoteDir);
    const contents = localDir.endsWith('/') ? localDir : `${localDir}/`;
    await this.communicator.uploadDir(remoteDir, contents, { signal: this.signal });
  }

  async uploadFile(remotePath: string, localPath: string): Promise<void> {
    await this.communicator.upload(remotePath, createReadStream(localPath), { signal: this.signal });
  }

  /** Writes generated text to `<staging>/<name>` and returns the remote path. */
  async uploadText(name: string, text: string): Promise<string> {
    const remotePath = posix.join(this.plan.stagingDir, name);
    const bytes = Buffer.from(text, 'utf8');
    await this.communicator.upload(remotePath, Readable.from([bytes]), { size: bytes.length, signal: this.signal });
    return remotePath;
  }

  /** The node JSON: the json option plus run_list when one is set, as Go's MarshalIndent writes it. */
  async uploadNodeJson(name: string): Promise<string> {
    this.ui.message('Creating JSON attribute file');
    const attributes: Record<string, unknown> = { ...this.plan.json };
    if (this.plan.runList.length > 0) attributes.run_list = this.plan.runList;
    return this.uploadText(name, goMarshalIndent(attributes));
  }

  /**
   * Renders execute_command with the paths of the generated files and runs it, through `wrap`
   * when given (chef-client's Windows elevated runner).
   */
  async executeChef(configPath: string, jsonPath: string, wrap?: (command: string) => Promise<string>): Promise<void> {
    const rendered = this.render(this.plan.executeCommand, {
      ConfigPath: configPath,
      JsonPath: jsonPath,
      Sudo: this.plan.sudo,
    });
    const command = wrap ? await wrap(rendered) : rendered;
    this.ui.message(`Executing Chef: ${command}`);
    const status = await this.run(command);
    if (status !== 0) throw new Error(`Non-zero exit status: ${status}`);
  }

  run(command: string): Promise<number> {
    return runWithUi(this.communicator, this.ui, command, this.signal);
  }
}
