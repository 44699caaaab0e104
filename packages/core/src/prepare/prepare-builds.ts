import {
  KilnError,
  KilnErrors,
  isKilnError,
  type Builder,
  type JsonSchema,
  type PluginDefinition,
  type PluginKind,
  type PluginRegistry,
  type PostProcessor,
  type PrepareContext,
  type PrepareResult,
  type Provisioner,
} from '@kiln/sdk';
import {
  decodePluginConfig,
  findJsonNode,
  loadValidator,
  planBuilds,
  BuildPlanError,
  type JsonObjectNode,
  type PlannedBuild,
  type PlannedProvisioner,
  type PostProcessorDefinition,
  type ResolvedVariables,
  type Template,
  BUILDER_DATA_COMMON_KEYS,
} from '@kiln/template';
import type {
  PrepareBuildsResult,
  PrepareFailure,
  PrepareWarning,
  PreparedBuild,
  PreparedPostProcessor,
  PreparedProvisioner,
} from './prepared-build.js';
import { createCoreRenderer, createRenderer, type RenderScope } from './template-context.js';

export interface PrepareBuildsOptions {
  readonly registry: PluginRegistry;
  /** The user variables, resolved (defaults, -var-file, -var): resolveVariables of @kiln/template. */
  readonly variables: ResolvedVariables;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** The time `timestamp`, `isotime` and `uuid` see: one per run, as Packer's InitTime. */
  readonly initTime: Date;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * What `kiln validate` checks and `kiln build` needs before running: plans the builds
 * (-only/-except, overrides, post-processor chains), then for each build loads every plugin,
 * decodes and validates its config (interpolated with the build's context) and calls its
 * validate() and prepare(). Every error of every build is reported together; builds that prepare
 * fine are returned ready to run. Template-wide problems (a build name that does not render, two
 * builds with one name) reject with a KilnErrors.
 */
export async function prepareBuilds(template: Template, options: PrepareBuildsOptions): Promise<PrepareBuildsResult> {
  const coreScope: RenderScope = { template, variables: options.variables, initTime: options.initTime, cwd: options.cwd, env: options.env };
  const plan = planBuilds(template, {
    ...(options.only ? { only: options.only } : {}),
    ...(options.except ? { except: options.except } : {}),
    renderName: createCoreRenderer(coreScope),
  });
  const failures: PrepareFailure[] = [];
  const templateErrors: KilnError[] = [];
  for (const error of plan.errors) {
    if (error instanceof BuildPlanError) failures.push({ buildName: error.buildName, stage: 'initialize', errors: [error] });
    else templateErrors.push(error);
  }
  if (templateErrors.length > 0) throw new KilnErrors(templateErrors, templateErrors.map((e) => e.message).join('\n'));

  const outcomes = await Promise.all(plan.builds.map((planned) => new BuildPreparer(planned, coreScope, options).prepare()));
  const builds: PreparedBuild[] = [];
  const warnings: PrepareWarning[] = [];
  const secrets = new Set<string>();
  for (const outcome of outcomes) {
    for (const secret of outcome.secrets) secrets.add(secret);
    if (outcome.warnings.messages.length > 0) warnings.push(outcome.warnings);
    if ('failure' in outcome) failures.push(outcome.failure);
    else builds.push(outcome.build);
  }
  return { builds, failures: sortByName(failures), warnings, secrets: [...secrets] };
}

type BuildPrepareOutcome = ({ readonly build: PreparedBuild } | { readonly failure: PrepareFailure }) & {
  readonly warnings: PrepareWarning;
  readonly secrets: readonly string[];
};

interface Loaded {
  readonly kind: PluginKind;
  readonly type: string;
  readonly definition: PluginDefinition;
}

const KIND_LABEL: Readonly<Record<PluginKind, string>> = {
  builder: 'builder',
  provisioner: 'provisioner',
  'post-processor': 'post-processor',
};

class BuildPreparer {
  private readonly errors: KilnError[] = [];
  private readonly warnings: string[] = [];
  private readonly secrets: string[] = [];

  constructor(
    private readonly planned: PlannedBuild,
    private readonly coreScope: RenderScope,
    private readonly options: PrepareBuildsOptions,
  ) {}

  async prepare(): Promise<BuildPrepareOutcome> {
    const { planned } = this;
    const name = planned.name;
    const loaded = await this.loadPlugins();
    if (loaded.unknown.length > 0) {
      return { failure: { buildName: name, stage: 'initialize', errors: loaded.unknown }, ...this.collected() };
    }

    const builderPath = `builders[${planned.builder.index}]`;
    const builder = this.preparePlugin<Builder>(loaded.builder!, planned.builder.config, builderPath, { build: false });
    const generated = [...BUILDER_DATA_COMMON_KEYS, ...(builder?.result?.generatedData ?? [])];

    const provisioners = planned.provisioners.map((p, i) =>
      this.prepareProvisioner(p, loaded.provisioners[i]!, `provisioners[${p.definition.index}]`, generated),
    );
    const cleanup = planned.errorCleanupProvisioner
      ? this.prepareProvisioner(planned.errorCleanupProvisioner, loaded.cleanup!, 'error-cleanup-provisioner', generated)
      : undefined;
    const chains = planned.postProcessorChains.map((chain, c) =>
      chain.map((pp, i) => this.preparePostProcessor(pp, loaded.postProcessors[c]![i]!, generated)),
    );

    if (this.errors.length > 0 || !builder) {
      return { failure: { buildName: name, stage: 'prepare', errors: this.errors }, ...this.collected() };
    }
    return {
      build: {
        name,
        builderType: planned.builder.type,
        builder: builder.instance,
        provisioners: provisioners.filter((p): p is PreparedProvisioner => p !== undefined),
        ...(cleanup ? { errorCleanupProvisioner: cleanup } : {}),
        postProcessorChains: chains.map((chain) => chain.filter((pp): pp is PreparedPostProcessor => pp !== undefined)),
        plan: planned,
      },
      ...this.collected(),
    };
  }

  private collected(): { warnings: PrepareWarning; secrets: readonly string[] } {
    return { warnings: { buildName: this.planned.name, messages: this.warnings }, secrets: this.secrets };
  }

  /** Loads every plugin the build names; unknown types are reported all at once, in Packer's words. */
  private async loadPlugins() {
    const { registry } = this.options;
    const unknown: KilnError[] = [];
    const load = async (kind: PluginKind, type: string, keyPath: string, at: JsonObjectNode): Promise<Loaded | undefined> => {
      const definition = registry.has(kind, type) ? await registry.load(kind, type) : undefined;
      if (definition) {
        await loadValidator(definition.schema);
        return { kind, type, definition };
      }
      const label = KIND_LABEL[kind];
      unknown.push(
        new KilnError('PLUGIN_UNKNOWN', `error initializing ${label} '${type}': Unknown ${label} ${type}`, {
          position: { file: this.coreScope.template.path, line: at.start.line, column: at.start.column },
          keyPath,
          hint: `known ${label}s: ${registry.kinds(kind).join(', ')}`,
        }),
      );
      return undefined;
    };
    const { planned } = this;
    const builder = await load('builder', planned.builder.type, `builders[${planned.builder.index}].type`, planned.builder.config);
    const provisioners = await Promise.all(
      planned.provisioners.map((p) => load('provisioner', p.type, `provisioners[${p.definition.index}].type`, p.config)),
    );
    const cleanup = planned.errorCleanupProvisioner
      ? await load('provisioner', planned.errorCleanupProvisioner.type, 'error-cleanup-provisioner.type', planned.errorCleanupProvisioner.config)
      : undefined;
    const postProcessors = await Promise.all(
      planned.postProcessorChains.map((chain) =>
        Promise.all(chain.map((pp) => load('post-processor', pp.type, `${this.postProcessorPath(pp)}.type`, pp.config))),
      ),
    );
    return { unknown, builder, provisioners, cleanup, postProcessors };
  }

  private prepareProvisioner(
    planned: PlannedProvisioner,
    loaded: Loaded,
    keyPath: string,
    generated: readonly string[],
  ): PreparedProvisioner | undefined {
    const prepared = this.preparePlugin<Provisioner>(loaded, planned.config, keyPath, { build: true, generated });
    if (!prepared) return undefined;
    return {
      type: planned.type,
      provisioner: prepared.instance,
      pauseBeforeMs: planned.pauseBeforeMs,
      timeoutMs: planned.timeoutMs,
      maxRetries: planned.maxRetries,
    };
  }

  private preparePostProcessor(
    planned: PostProcessorDefinition,
    loaded: Loaded,
    generated: readonly string[],
  ): PreparedPostProcessor | undefined {
    const prepared = this.preparePlugin<PostProcessor>(loaded, planned.config, this.postProcessorPath(planned), {
      build: true,
      generated,
    });
    if (!prepared) return undefined;
    return {
      type: planned.type,
      name: planned.name,
      postProcessor: prepared.instance,
      ...(planned.keepInputArtifact === undefined ? {} : { keepInputArtifact: planned.keepInputArtifact }),
    };
  }

  /** `post-processors[1]` for a lone post-processor, `post-processors[1][0]` inside a sequence. */
  private postProcessorPath(pp: PostProcessorDefinition): string {
    const [chain, index] = pp.index;
    const node = findJsonNode(this.coreScope.template.root, ['post-processors', chain]);
    return node?.kind === 'array' ? `post-processors[${chain}][${index}]` : `post-processors[${chain}]`;
  }

  /**
   * Decode, validate, create, prepare: one plugin. Its errors join the build's; undefined when it
   * cannot run. prepare() is only called on a config that decoded and validated cleanly, since a
   * plugin may rely on its schema and validate() having held.
   */
  private preparePlugin<Instance extends { prepare(config: never, ctx: PrepareContext): PrepareResult | void }>(
    loaded: Loaded,
    node: JsonObjectNode,
    keyPath: string,
    scope: { build: false } | { build: true; generated: readonly string[] },
  ): { instance: Instance; result: PrepareResult | undefined } | undefined {
    const { planned } = this;
    const build = { name: planned.name, type: planned.builder.type };
    const functions = loaded.definition.templateFunctions;
    const render = createRenderer({
      ...this.coreScope,
      build,
      ...(scope.build ? { generatedPlaceholders: scope.generated } : {}),
      ...(functions ? { functions } : {}),
    });
    const file = this.coreScope.template.path;
    const decoded = decodePluginConfig<unknown>(node, loaded.definition.schema, { file, keyPath, render });
    if (decoded.errors.length > 0) {
      this.errors.push(...decoded.errors);
      return undefined;
    }
    this.secrets.push(...secretValues(loaded.definition.schema, decoded.config));
    const ctx: PrepareContext = {
      buildName: planned.name,
      builderType: planned.builder.type,
      ...(file === '-' ? {} : { templatePath: file }),
      cwd: this.options.cwd,
      positionOf: (path) => {
        const found = findJsonNode(node, path);
        return found ? { file, line: found.start.line, column: found.start.column, offset: found.start.offset } : undefined;
      },
      render: (text, data) => createRenderer({ ...this.coreScope, build, data: data ?? {}, ...(functions ? { functions } : {}) })(text),
    };
    const messages = loaded.definition.validate?.(decoded.config, ctx) ?? [];
    if (messages.length > 0) {
      this.errors.push(...messages.map((message) => new KilnError('CONFIG_INVALID', message, { keyPath })));
      return undefined;
    }
    const instance = loaded.definition.create() as Instance;
    try {
      const result = instance.prepare(decoded.config as never, ctx) ?? undefined;
      if (result?.warnings) this.warnings.push(...result.warnings);
      return { instance, result };
    } catch (error) {
      this.errors.push(...asKilnErrors(error, keyPath));
      return undefined;
    }
  }
}

/** Top-level options the schema marks `x-kiln-secret` (directly or in an allOf part), with a value. */
function secretValues(schema: JsonSchema, config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const parts = [schema, ...(schema.allOf ?? [])];
  return parts.flatMap((part) =>
    Object.entries(part.properties ?? {}).flatMap(([key, property]) => {
      const value = (config as Record<string, unknown>)[key];
      return property['x-kiln-secret'] === true && typeof value === 'string' && value !== '' ? [value] : [];
    }),
  );
}

function asKilnErrors(error: unknown, keyPath: string): KilnError[] {
  if (error instanceof KilnErrors) return [...error.errors];
  if (isKilnError(error)) return [error];
  const message = error instanceof Error ? error.message : String(error);
  return [new KilnError('CONFIG_INVALID', message, { keyPath, cause: error })];
}

function sortByName<T extends { buildName: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.buildName < b.buildName ? -1 : a.buildName > b.buildName ? 1 : 0));
}
