import type { SourcePosition } from '@kiln/sdk';
import { KilnErrors } from '@kiln/sdk';
import {
  AMAZON_TEMPLATE_FUNCS,
  basicPlaceholderData,
  checkTemplate,
  checkTemplateErrorText,
  interpolate,
  interpolateUntilStable,
  loadTemplate,
  resolveVariables,
  type InterpolationContext,
  type ResolvedVariables,
  type Template,
} from '@kiln/template';

/** The Packer version templates see (`packer_version`) and are checked against. */
export const PACKER_VERSION = '1.6.6';

/** What the strings of a build are rendered with. */
export interface RenderScope {
  readonly template: Template;
  readonly variables: ResolvedVariables;
  readonly initTime: Date;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** build_name / build_type / packer_version; absent in the core context (build names, max_retries). */
  readonly build?: { readonly name: string; readonly type: string };
  /**
   * Provisioners and post-processors at prepare time: the builder's generated-data keys, whose
   * `{{ build `Key` }}` is kept as `{{.Key}}` for the run (Packer's placeholder data).
   */
  readonly generatedPlaceholders?: readonly string[];
  /** Run time: `{{ .Field }}` data, which `{{ build `Key` }}` reads too. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The plugin's extra functions (PluginDefinition.templateFunctions). */
  readonly functions?: 'amazon';
}

function contextOf(scope: RenderScope): InterpolationContext {
  const placeholders = scope.generatedPlaceholders ? basicPlaceholderData(scope.generatedPlaceholders) : undefined;
  const data = scope.data ?? placeholders;
  return {
    userVariables: scope.variables.values,
    initTime: scope.initTime,
    ...(scope.template.path === '' ? {} : { templatePath: scope.template.path }),
    cwd: scope.cwd,
    env: scope.env,
    ...(scope.build ? { buildName: scope.build.name, buildType: scope.build.type, packerVersion: PACKER_VERSION } : {}),
    ...(data ? { data, buildData: data } : {}),
    ...(scope.functions === 'amazon' ? { funcs: AMAZON_TEMPLATE_FUNCS } : {}),
  };
}

/** Renders plugin config strings once, as Packer's config decoder does. */
export function createRenderer(scope: RenderScope): (text: string, position?: SourcePosition) => string {
  const ctx = contextOf(scope);
  return (text, position) => interpolate(text, ctx, position);
}

/** Renders what core renders itself (build names, max_retries) until stable, as Packer's Render. */
export function createCoreRenderer(scope: RenderScope): (text: string, position?: SourcePosition) => string {
  const ctx = contextOf(scope);
  return (text, position) => interpolateUntilStable(text, ctx, position);
}

export interface VariableSources {
  readonly vars?: Readonly<Record<string, string>> | undefined;
  readonly varFiles?: readonly string[] | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly initTime: Date;
}

/**
 * What `build` does before planning, in Packer's order: read the template (a path), check it as
 * `packer validate` does (only/except/override names, min_packer_version), resolve its variables.
 * Each stage's problems reject together as a KilnErrors whose message is Packer's text.
 */
export async function checkedTemplate(
  templateOrPath: Template | string,
  sources: VariableSources,
): Promise<{ template: Template; variables: ResolvedVariables }> {
  const template =
    typeof templateOrPath === 'string' ? await loadTemplate(templateOrPath, { cwd: sources.cwd }) : templateOrPath;
  const problems = checkTemplate(template);
  if (problems.length > 0) throw new KilnErrors(problems, checkTemplateErrorText(problems));
  const variables = await resolveVariables(template, {
    ...(sources.vars ? { vars: sources.vars } : {}),
    ...(sources.varFiles ? { varFiles: sources.varFiles } : {}),
    env: sources.env,
    cwd: sources.cwd,
    initTime: sources.initTime,
  });
  return { template, variables };
}
