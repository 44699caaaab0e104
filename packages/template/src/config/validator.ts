import { KilnError, type JsonSchema } from '@kiln/sdk';
import type { ValidateFunction } from 'ajv/dist/2020.js';

const validators = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * Hands over a validator compiled ahead of time for `schema` (the kiln bundle ships one per
 * plugin): compiling the amazon-ebs schema at run time costs more than a whole build on a fast
 * EC2 endpoint.
 */
export function usePrecompiledValidator(schema: JsonSchema, validate: ValidateFunction): void {
  validators.set(schema, validate);
}

/** ajv itself, imported on demand: a precompiled validator needs none of it. */
export const loadSchemaCompiler = () => import('./compile-schema.js');

/** Makes `schema`'s validator ready for decodePluginConfig: the precompiled one, or compiled now. */
export async function loadValidator(schema: JsonSchema): Promise<void> {
  if (validators.has(schema)) return;
  const { compileSchema } = await loadSchemaCompiler();
  if (!validators.has(schema)) validators.set(schema, compileSchema(schema));
}

export function validatorFor(schema: JsonSchema): ValidateFunction {
  const validate = validators.get(schema);
  if (!validate) throw new KilnError('INTERNAL', 'no validator for this plugin schema: await loadValidator(schema) before decoding');
  return validate;
}
