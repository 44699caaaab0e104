import type { Artifact } from './artifact.js';
import type { Communicator } from './communicator.js';
import type { PrepareContext } from './plugin.js';
import type { StepEvent } from './steps/step.js';
import type { Ui } from './ui.js';

export type OnErrorPolicy = 'cleanup' | 'abort' | 'ask' | 'run-cleanup-provisioner';

/** Facts about the run that Packer passes to every plugin as `packer_*` keys. */
export interface BuildEnvironment {
  readonly buildName: string;
  readonly builderType: string;
  /** PACKER_RUN_UUID: one per `kiln build` invocation. */
  readonly runUuid: string;
  readonly cacheDir: string;
  readonly templatePath?: string;
  /** Where relative paths of the config resolve (see PrepareContext.cwd); undefined means process.cwd(). */
  readonly cwd?: string;
  readonly debug: boolean;
  readonly force: boolean;
  readonly onError: OnErrorPolicy;
  readonly userVariables: Readonly<Record<string, string>>;
}

/**
 * Data the builder generates for provisioners and post-processors (`{{ build `Host` }}`, the
 * PACKER_HTTP_* variables, amazon's SourceAMI, ...).
 */
export type GeneratedData = Readonly<Record<string, unknown>>;

/** Packer's provisioning hook: builders call it from their provision step. */
export interface Hook {
  /** Runs the build's provisioners over the communicator (or throws if there is none and some exist). */
  provision(communicator: Communicator | undefined, data: GeneratedData, signal: AbortSignal): Promise<void>;
  /** Runs the error-cleanup-provisioner, if the template has one. */
  provisionCleanup(communicator: Communicator | undefined, data: GeneratedData, signal: AbortSignal): Promise<void>;
  /**
   * Whether the template has an error-cleanup-provisioner. It runs on the machine at the end of a
   * failed build, so a builder keeps the machine until then (see cleanUpEarlier); a host that
   * leaves this out is taken to have one.
   */
  readonly hasCleanupProvisioner?: boolean;
}

/** Records a cloud resource before it is created, so a killed run can be cleaned up later. */
export interface ResourceLedger {
  record(resource: LedgerEntry): Promise<void>;
  forget(resource: LedgerEntry): Promise<void>;
}

export interface LedgerEntry {
  readonly kind: string;
  readonly id: string;
  readonly region?: string;
  readonly detail?: Readonly<Record<string, string>>;
}

export interface BuildContext {
  readonly ui: Ui;
  readonly hook: Hook;
  readonly signal: AbortSignal;
  readonly env: BuildEnvironment;
  readonly ledger: ResourceLedger;
  /** Where runSteps reports step progress (the host shows it); optional for hosts that don't care. */
  readonly onStep?: (event: StepEvent) => void;
}

export interface PrepareResult {
  /** Keys of generated data this builder will provide (for `build` placeholders). */
  readonly generatedData?: readonly string[];
  readonly warnings?: readonly string[];
}

export interface Builder<Config = unknown> {
  /** Checks and stores the config; no side effects. Throws KilnError(s) for every problem. */
  prepare(config: Config, ctx: PrepareContext): PrepareResult;
  run(ctx: BuildContext): Promise<Artifact | undefined>;
}

export interface ProvisionContext {
  readonly ui: Ui;
  readonly communicator: Communicator | undefined;
  readonly generatedData: GeneratedData;
  readonly signal: AbortSignal;
  readonly env: BuildEnvironment;
}

export interface Provisioner<Config = unknown> {
  prepare(config: Config, ctx: PrepareContext): PrepareResult | void;
  provision(ctx: ProvisionContext): Promise<void>;
}

export interface PostProcessContext {
  readonly ui: Ui;
  readonly signal: AbortSignal;
  readonly env: BuildEnvironment;
}

export interface PostProcessResult {
  /** undefined halts the chain silently, as a nil artifact does in Packer. */
  readonly artifact: Artifact | undefined;
  /** Whether the input artifact is kept (the plugin's default; the user's keep_input_artifact may override). */
  readonly keep: boolean;
  /** When true, the plugin's keep=true wins over a user's keep_input_artifact=false. */
  readonly forceOverride: boolean;
}

export interface PostProcessor<Config = unknown> {
  prepare(config: Config, ctx: PrepareContext): PrepareResult | void;
  postProcess(artifact: Artifact, ctx: PostProcessContext): Promise<PostProcessResult>;
}
