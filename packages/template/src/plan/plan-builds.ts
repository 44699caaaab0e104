import { KilnError, isKilnError, parseGoDuration, type KilnErrorCode, type SourcePosition } from '@kiln/sdk';
import { goDurationError } from '../config/go-parse.js';
import { toSourcePosition } from '../config/key-path.js';
import { quote } from '../gotemplate/strconv.js';
import type { JsonNode } from '../json/ast.js';
import { findJsonNode, formatKeyPath, type KeyPathSegment } from '../json/value.js';
import type {
  BuilderDefinition,
  PlannedBuild,
  PlannedProvisioner,
  PostProcessorDefinition,
  ProvisionerDefinition,
  Template,
} from '../model.js';
import { compareGoStrings, goKindName } from '../read/go/values.js';
import { mergeOverride } from './merge-override.js';
import { isSkipped } from './only-except.js';

export interface PlanOptions {
  /** `-only`: rendered build names, exact match; unknown names are ignored, as in Packer. */
  readonly only?: readonly string[];
  /** `-except`: rendered build names, and post-processor names (which cut the rest of their chain). */
  readonly except?: readonly string[];
  /**
   * Renders with the core context (user variables, template_dir; no build data). Packer renders
   * builder names and provisioners' `max_retries` this way; both go through this callback.
   */
  readonly renderName: (raw: string, position: SourcePosition) => string;
}

export interface PlanResult {
  /** Sorted by build name. */
  readonly builds: PlannedBuild[];
  readonly errors: KilnError[];
}

/** A build that could not be set up (Packer: `Failed to initialize build "name"`); other builds go on. */
export class BuildPlanError extends KilnError {
  readonly buildName: string;

  constructor(buildName: string, cause: KilnError) {
    super(cause.code, cause.message, {
      ...(cause.position ? { position: cause.position } : {}),
      ...(cause.keyPath ? { keyPath: cause.keyPath } : {}),
      ...(cause.hint ? { hint: cause.hint } : {}),
      cause,
    });
    this.name = 'BuildPlanError';
    this.buildName = buildName;
  }
}

/**
 * Plans one build per builder the way Packer's core does: build names rendered, -only/-except
 * applied, sorted by name; each build gets the provisioners whose only/except admit its raw
 * name (with `override[rawName]` merged in), the error-cleanup-provisioner, and the
 * post-processor chains filtered for it (empty chains dropped).
 */
export function planBuilds(template: Template, options: PlanOptions): PlanResult {
  const planner = new BuildPlanner(template, options);
  return planner.plan();
}

class BuildPlanner {
  private readonly errors: KilnError[] = [];

  constructor(
    private readonly template: Template,
    private readonly options: PlanOptions,
  ) {}

  plan(): PlanResult {
    const named = this.nameBuilds();
    const only = this.options.only ?? [];
    const except = this.options.except ?? [];
    const builds: PlannedBuild[] = [];
    const selected = [...named.keys()]
      .filter((name) => (only.length === 0 || only.includes(name)) && !except.includes(name))
      .sort(compareGoStrings);
    for (const name of selected) {
      try {
        builds.push(this.planBuild(name, named.get(name)!));
      } catch (error) {
        if (!isKilnError(error)) throw error;
        this.errors.push(new BuildPlanError(name, error));
      }
    }
    return { builds, errors: this.errors };
  }

  /** Rendered build name -> builder. */
  private nameBuilds(): Map<string, BuilderDefinition> {
    const named = new Map<string, BuilderDefinition>();
    for (const builder of this.template.builders) {
      const nameNode = findJsonNode(this.template.root, ['builders', builder.index, 'name']);
      const position = nameNode ? this.position(nameNode) : builder.position;
      let name: string;
      try {
        name = this.render(builder.rawName, position);
      } catch (error) {
        this.errors.push(wrap(error, `Error interpolating builder '${builder.rawName}'`, position, `builders[${builder.index}].name`));
        continue;
      }
      const earlier = named.get(name);
      if (earlier) {
        // Packer keeps one of the two at random (a Go map); naming the clash is the useful answer.
        this.errors.push(
          new KilnError('TEMPLATE_INVALID', `builder ${builder.index + 1}: build name '${name}' is already used by builder ${earlier.index + 1}`, {
            position,
            keyPath: `builders[${builder.index}].name`,
            hint: 'give each builder a "name" that stays unique once rendered',
          }),
        );
        continue;
      }
      named.set(name, builder);
    }
    return named;
  }

  private planBuild(name: string, builder: BuilderDefinition): PlannedBuild {
    const rawName = builder.rawName;
    const provisioners = this.template.provisioners
      .filter((definition) => !isSkipped(definition, rawName))
      .map((definition) => this.planProvisioner(definition, rawName, ['provisioners', definition.index]));
    const cleanup = this.template.errorCleanupProvisioner;
    return {
      name,
      builder,
      provisioners,
      ...(cleanup ? { errorCleanupProvisioner: this.planProvisioner(cleanup, rawName, ['error-cleanup-provisioner']) } : {}),
      postProcessorChains: this.template.postProcessors
        .map((chain) => this.filterChain(chain, rawName))
        .filter((chain) => chain.length > 0),
    };
  }

  private filterChain(chain: readonly PostProcessorDefinition[], rawName: string): PostProcessorDefinition[] {
    const except = this.options.except ?? [];
    const kept: PostProcessorDefinition[] = [];
    for (const postProcessor of chain) {
      if (isSkipped(postProcessor, rawName)) continue;
      // -except naming a post-processor drops it and the rest of its chain.
      if (postProcessor.name !== '' && except.includes(postProcessor.name)) break;
      kept.push(postProcessor);
    }
    return kept;
  }

  private planProvisioner(definition: ProvisionerDefinition, rawName: string, at: readonly KeyPathSegment[]): PlannedProvisioner {
    const override = definition.override?.[rawName];
    const overrideError = this.overrideError(definition, rawName, at);
    return {
      definition,
      type: definition.type,
      config: override ? mergeOverride(definition.config, override) : definition.config,
      pauseBeforeMs: this.duration(definition.pauseBefore, [...at, 'pause_before']),
      timeoutMs: this.duration(definition.timeout, [...at, 'timeout']),
      maxRetries: this.maxRetries(definition.maxRetries, [...at, 'max_retries']),
      ...(overrideError ? { overrideError } : {}),
    };
  }

  /** An override that is not an object (`null` merges as nothing, as mapstructure skips nil). */
  private overrideError(definition: ProvisionerDefinition, rawName: string, at: readonly KeyPathSegment[]): KilnError | undefined {
    const node = definition.overrideNodes?.[rawName];
    if (!node || node.kind === 'object' || node.kind === 'null') return undefined;
    return new KilnError('CONFIG_INVALID', `Error decoding config: '' expected a map, got '${goKindName(node)}'`, {
      position: this.position(node),
      keyPath: formatKeyPath([...at, 'override', rawName]),
    });
  }

  private duration(text: string | undefined, at: readonly KeyPathSegment[]): number {
    if (text === undefined || text === '') return 0;
    const ms = parseGoDuration(text);
    if (ms !== undefined) return ms;
    const key = String(at[at.length - 1]);
    throw new KilnError('TEMPLATE_INVALID', `error decoding '${key}': ${goDurationError(text) ?? `time: invalid duration ${quote(text)}`}`, this.where(at));
  }

  private maxRetries(raw: string | undefined, at: readonly KeyPathSegment[]): number {
    if (raw === undefined || raw === '') return 0;
    const { position } = this.where(at);
    let rendered: string;
    try {
      rendered = this.render(raw, position);
    } catch (error) {
      throw wrap(error, 'failed to interpolate `max_retries`', position, formatKeyPath(at));
    }
    const parsed = atoi(rendered);
    if (typeof parsed === 'number') return parsed;
    throw new KilnError('TEMPLATE_INVALID', `\`max_retries\` must be a valid integer: ${parsed.error}`, this.where(at));
  }

  private render(raw: string, position: SourcePosition): string {
    return raw.includes('{{') ? this.options.renderName(raw, position) : raw;
  }

  private where(at: readonly KeyPathSegment[]): { position: SourcePosition; keyPath: string } {
    const node = findJsonNode(this.template.root, at);
    return { position: node ? this.position(node) : { file: this.template.path, line: 1, column: 1 }, keyPath: formatKeyPath(at) };
  }

  private position(node: JsonNode): SourcePosition {
    return toSourcePosition(this.template.path, node.start);
  }
}

/** `<context>: <cause>`, keeping the cause's code. */
function wrap(error: unknown, context: string, position: SourcePosition, keyPath: string): KilnError {
  const code: KilnErrorCode = isKilnError(error) ? error.code : 'TEMPLATE_INTERPOLATION';
  const detail = error instanceof Error ? error.message : String(error);
  return new KilnError(code, `${context}: ${detail}`, { position, keyPath, cause: error });
}

const INT64_MAX = (1n << 63n) - 1n;

/** strconv.Atoi: decimal only, optional sign. */
function atoi(text: string): number | { error: string } {
  const syntax = { error: `strconv.Atoi: parsing ${quote(text)}: invalid syntax` };
  if (!/^[+-]?\d+$/.test(text)) return syntax;
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) return { error: `strconv.Atoi: parsing ${quote(text)}: value out of range` };
  return Number(value);
}
