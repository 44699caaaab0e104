import type { Builder, KilnError, PostProcessor, Provisioner } from '@kiln/sdk';
import type { PlannedBuild } from '@kiln/template';

export interface PreparedProvisioner {
  readonly type: string;
  readonly provisioner: Provisioner;
  /** Milliseconds; 0 when unset. */
  readonly pauseBeforeMs: number;
  readonly timeoutMs: number;
  /** Extra attempts after the first failure. */
  readonly maxRetries: number;
}

export interface PreparedPostProcessor {
  readonly type: string;
  /** Defaults to the type; shown as `Running post-processor: name (type t)` when different. */
  readonly name: string;
  readonly postProcessor: PostProcessor;
  /** Unset, true or false: the user's keep_input_artifact (see post-process.ts). */
  readonly keepInputArtifact?: boolean;
}

/** A build whose every plugin is loaded, decoded, validated and prepared: ready to run. */
export interface PreparedBuild {
  readonly name: string;
  readonly builderType: string;
  readonly builder: Builder;
  readonly provisioners: readonly PreparedProvisioner[];
  readonly errorCleanupProvisioner?: PreparedProvisioner;
  /** Chains as planned (only/except applied, empty chains dropped). */
  readonly postProcessorChains: readonly (readonly PreparedPostProcessor[])[];
  readonly plan: PlannedBuild;
}

export interface PrepareFailure {
  readonly buildName: string;
  /** 'initialize': a plugin type is unknown (Packer: `Failed to initialize build`); 'prepare': config problems. */
  readonly stage: 'initialize' | 'prepare';
  readonly errors: readonly KilnError[];
}

export interface PrepareWarning {
  readonly buildName: string;
  readonly messages: readonly string[];
}

export interface PrepareBuildsResult {
  /** Sorted by build name, as Packer runs them. */
  readonly builds: readonly PreparedBuild[];
  readonly failures: readonly PrepareFailure[];
  readonly warnings: readonly PrepareWarning[];
  /** Values of config options their plugin marks `x-kiln-secret` (passwords): masked like sensitive variables. */
  readonly secrets: readonly string[];
}
