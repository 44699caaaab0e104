import { KilnError } from '@kiln/sdk';
import { isJsonMap } from './data.js';
import { decodeList, decodeMapList, weakDecodeList } from './decode.js';
import { encodeGoJson } from './go-json.js';
import { FIXERS } from './fixers/index.js';
import type { JsonMap } from './data.js';

export interface FixResult {
  /** The fixed template, as plain JSON data. */
  readonly fixed: unknown;
  /** Names of the fixers that changed something, in the order they ran. */
  readonly applied: readonly string[];
}

/**
 * Runs Packer 1.6.6's fixers over a decoded template (plain JSON data; a copy is fixed, the input
 * is left alone). Throws KilnError with Packer's message: TEMPLATE_SYNTAX when the value is not
 * an object (Packer's decoding error), TEMPLATE_INVALID when its shape defeats a fixer
 * (`1 error(s) decoding: ...`, where Packer 1.6.6 sometimes crashes instead).
 */
export function fixTemplate(value: unknown): FixResult {
  if (!isJsonMap(value)) {
    throw new KilnError(
      'TEMPLATE_SYNTAX',
      `json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string]interface {}`,
    );
  }
  const template = normalizeForFixers(structuredClone(value));
  const applied: string[] = [];
  let before = encodeGoJson(template);
  for (const fixer of FIXERS) {
    fixer.fix(template);
    const after = encodeGoJson(template);
    if (after !== before) applied.push(fixer.name);
    before = after;
  }
  return { fixed: template, applied };
}

/**
 * The reshaping Packer's fixers do as a side effect of decoding, done once up front so that a
 * fixer only counts as applied for its own change: `builders` becomes a list of objects (null
 * when missing), `post-processors` must be a list, and a lone provisioner becomes a list.
 */
function normalizeForFixers(template: JsonMap): JsonMap {
  template['builders'] = decodeMapList(template, 'builders', 'Builders');
  const postProcessors = template['post-processors'];
  if (postProcessors !== null && postProcessors !== undefined) {
    template['post-processors'] = decodeList(template, 'post-processors', 'post-processors');
  }
  const provisioners = weakDecodeList(template, 'provisioners');
  if (provisioners !== null && provisioners.length > 0) template['provisioners'] = provisioners;
  return template;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}
