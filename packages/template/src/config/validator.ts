import { KilnError, type JsonSchema } from '@kiln/sdk';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** The x-kiln-* keywords: annotations for ajv; the decoder and the docs act on them. */
const KILN_KEYWORDS = ['x-kiln-duration', 'x-kiln-late-render', 'x-kiln-secret', 'x-kiln-fixable'] as const;

let ajv: Ajv2020 | undefined;

function sharedAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({
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
    });
    for (const keyword of KILN_KEYWORDS) ajv.addKeyword({ keyword });
  }
  return ajv;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** One compiled validator per schema object, compiled on first use. */
export function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = sharedAjv().compile(schema as Record<string, unknown>);
    } catch (error) {
      throw new KilnError('INTERNAL', `plugin schema does not compile: ${(error as Error).message}`, { cause: error });
    }
    compiled.set(schema, validate);
  }
  return validate;
}
