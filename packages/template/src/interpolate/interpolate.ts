import { KilnError, isKilnError, type SourcePosition } from '@kiln/sdk';
import {
  GoTemplateError,
  executeGoTemplate,
  goFuncNames,
  parseGoTemplate,
  type GoFuncMap,
  type GoTemplate,
} from '../gotemplate/index.js';
import type { InterpolationContext } from './context.js';
import { packerFunctions } from './funcs.js';

/** Packer names every interpolated string "root" (errors read `template: root:1:2: ...`). */
const TEMPLATE_NAME = 'root';

/** Packer's Render loops until the text stops changing, however long; Kiln stops after this many passes. */
const MAX_RENDER_PASSES = 100;

function functionsOf(ctx: InterpolationContext): GoFuncMap {
  return ctx.funcs ? { ...packerFunctions(ctx), ...ctx.funcs } : packerFunctions(ctx);
}

function interpolationError(error: unknown, position: SourcePosition | undefined): unknown {
  if (error instanceof GoTemplateError) {
    return new KilnError('TEMPLATE_INTERPOLATION', error.message, {
      ...(position ? { position } : {}),
      cause: error,
    });
  }
  if (isKilnError(error) && position && !error.position) {
    return new KilnError(error.code, error.message, {
      position,
      cause: error,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  return error;
}

function parse(text: string, funcs: GoFuncMap): GoTemplate {
  return parseGoTemplate(TEMPLATE_NAME, text, goFuncNames(funcs));
}

/** One rendering pass that lets the engine's GoTemplateError through, for callers that tell errors apart. */
export function renderOnce(text: string, ctx: InterpolationContext): string {
  if (!text.includes('{{')) return text;
  const funcs = functionsOf(ctx);
  return executeGoTemplate(parse(text, funcs), ctx.data, funcs);
}

/**
 * Renders one template string once, as Packer renders plugin configs (interpolate.RenderOnce).
 * Text without `{{` comes back as it is. Throws KilnError('TEMPLATE_INTERPOLATION') with Go's and
 * Packer's wording, at `position` (the string's place in the template) when given.
 */
export function interpolate(text: string, ctx: InterpolationContext, position?: SourcePosition): string {
  try {
    return renderOnce(text, ctx);
  } catch (error) {
    throw interpolationError(error, position);
  }
}

/**
 * Renders again while the result changes, as Packer's interpolate.Render does for what core
 * renders itself (build names, max_retries, the console): a user variable whose value holds
 * `{{...}}` is rendered too.
 */
export function interpolateUntilStable(text: string, ctx: InterpolationContext, position?: SourcePosition): string {
  let current = text;
  for (let pass = 0; pass < MAX_RENDER_PASSES; pass++) {
    const rendered = interpolate(current, ctx, position);
    if (rendered === current) return rendered;
    current = rendered;
  }
  return current;
}

/**
 * Checks that a string parses, functions included, without rendering it: what Packer does for
 * options it renders later (interpolate.Validate).
 */
export function validateInterpolation(text: string, ctx: InterpolationContext, position?: SourcePosition): void {
  if (!text.includes('{{')) return;
  try {
    parse(text, functionsOf(ctx));
  } catch (error) {
    throw interpolationError(error, position);
  }
}
