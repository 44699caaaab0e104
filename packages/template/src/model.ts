import type { KilnError, SourcePosition } from '@kiln/sdk';
import type { JsonObjectNode, JsonNode } from './json/ast.js';

/**
 * A parsed Packer JSON template. Plugin configs stay JSON nodes, so that every later error
 * (interpolation, schema, prepare) can point at file:line:column.
 */
export interface Template {
  /**
   * Absolute path. For stdin (`-`) Packer makes `-` absolute too (`<cwd>/-`), so template_dir is
   * the working directory.
   */
  readonly path: string;
  readonly description?: string;
  readonly minPackerVersion?: string;
  /** In template order. */
  readonly variables: readonly TemplateVariable[];
  readonly sensitiveVariables: readonly string[];
  readonly builders: readonly BuilderDefinition[];
  readonly provisioners: readonly ProvisionerDefinition[];
  readonly errorCleanupProvisioner?: ProvisionerDefinition;
  /** Chains: each element of `post-processors` normalised to a list. */
  readonly postProcessors: readonly (readonly PostProcessorDefinition[])[];
  readonly root: JsonObjectNode;
}

export interface TemplateVariable {
  readonly name: string;
  /** null: required (no default). */
  readonly default: string | null;
  readonly sensitive: boolean;
  readonly position: SourcePosition;
}

export interface BuilderDefinition {
  /** 0-based position in `builders`. */
  readonly index: number;
  readonly type: string;
  /** As written (may hold `{{user ...}}`); defaults to type. -only/-except and overrides use the rendered/raw names as Packer does. */
  readonly rawName: string;
  /** The config without `name` and `type`. */
  readonly config: JsonObjectNode;
  readonly position: SourcePosition;
}

export interface ProvisionerDefinition {
  readonly index: number;
  readonly type: string;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** Raw build name -> partial config merged over `config` for that build. */
  readonly override?: Readonly<Record<string, JsonObjectNode>>;
  /**
   * Every `override` entry as written, including values that are not objects (absent from
   * `override`): Packer only refuses those when the provisioner decodes its config for that build
   * (`Error decoding config: '' expected a map, got 'float64'`), and checks all names against the
   * builders.
   */
  readonly overrideNodes?: Readonly<Record<string, JsonNode>>;
  /** Go durations as written; validated when the template is read. */
  readonly pauseBefore?: string;
  readonly timeout?: string;
  /** As written (string or number); interpolated, then parsed as an integer, at plan time. */
  readonly maxRetries?: string;
  /** The config without the special keys above. */
  readonly config: JsonObjectNode;
  readonly position: SourcePosition;
}

export interface PostProcessorDefinition {
  /** [chain index, index in chain], both 0-based. */
  readonly index: readonly [number, number];
  readonly type: string;
  /** Defaults to type; matched by -except. */
  readonly name: string;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** Unset, true or false: see Packer's keep_input_artifact rules. */
  readonly keepInputArtifact?: boolean;
  readonly config: JsonObjectNode;
  readonly position: SourcePosition;
}

/** One build of a plan: a builder with the provisioners and post-processors that apply to it. */
export interface PlannedBuild {
  /** Rendered builder name: the build name. */
  readonly name: string;
  readonly builder: BuilderDefinition;
  /** With `override[rawName]` already merged into config. */
  readonly provisioners: readonly PlannedProvisioner[];
  readonly errorCleanupProvisioner?: PlannedProvisioner;
  /** Chains after only/except and -except filtering; empty chains dropped. */
  readonly postProcessorChains: readonly (readonly PostProcessorDefinition[])[];
}

export interface PlannedProvisioner {
  readonly definition: ProvisionerDefinition;
  readonly type: string;
  readonly config: JsonObjectNode;
  /** Milliseconds; 0 when unset. */
  readonly pauseBeforeMs: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /**
   * `override[build]` that is not an object: Packer fails the build's prepare when this
   * provisioner decodes it (`Error decoding config: '' expected a map, got 'float64'`).
   */
  readonly overrideError?: KilnError;
}

export type { JsonNode, JsonObjectNode };
