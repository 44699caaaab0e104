import { KilnError, type JsonSchema } from '@kiln/sdk';
import { Ajv2020, type Options, type ValidateFunction } from 'ajv/dist/2020.js';

/** The x-kiln-* keywords: annotations for ajv; the decoder and the docs act on them. */
const KILN_KEYWORDS = ['x-kiln-duration', 'x-kiln-late-render', 'x-kiln-secret', 'x-kiln-fixable'] as const;

/**
 * The one ajv set-up for plugin schemas, at run time and when validators are compiled ahead of
 * time (`extra` adds code-generation options there), so both report the same errors.
 */
export function createSchemaAjv(extra: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    // Typos in a plugin's schema are bugs worth failing on; stylistic checks are not.
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    // `format` documents a value (uri, ...); Packer never checked formats.
    validateFormats: false,
    ...extra,
  });
  for (const keyword of KILN_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

let ajv: Ajv2020 | undefined;

export function compileSchema(schema: JsonSchema): ValidateFunction {
  try {
    return (ajv ??= createSchemaAjv()).compile(schema as Record<string, unknown>);
  } catch (error) {
    throw new KilnError('INTERNAL', `plugin schema does not compile: ${(error as Error).message}`, { cause: error });
  }
}
