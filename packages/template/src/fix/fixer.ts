import { isJsonMap } from './data.js';
import type { JsonData, JsonMap } from './data.js';

/**
 * One of `packer fix`'s rewrites of an old template. Fixers run on a template already shaped by
 * normalizeForFixers (builders a list of maps, post-processors a list), and change it in place.
 */
export interface Fixer {
  /** Packer's name, e.g. `iso-checksum-type-and-url`. */
  readonly name: string;
  /** Packer's one-line description, as `packer fix -h` lists it. */
  readonly synopsis: string;
  fix(template: JsonMap): void;
}

/** The builder objects of a normalized template. */
export function builderMaps(template: JsonMap): JsonMap[] {
  const builders = template['builders'];
  return Array.isArray(builders) ? builders.filter(isJsonMap) : [];
}

/** The builders whose `type` is a string that `accepts`. */
export function buildersOfType(template: JsonMap, accepts: (type: string) => boolean): JsonMap[] {
  return builderMaps(template).filter((builder) => {
    const type = builder['type'];
    return typeof type === 'string' && accepts(type);
  });
}

/**
 * Every post-processor object, wherever it sits: a chain element or inside a sequence. Strings
 * (`"compress"`) cannot be fixed and are skipped, as in Packer.
 */
export function postProcessorMaps(template: JsonMap): JsonMap[] {
  const chains = template['post-processors'];
  if (!Array.isArray(chains)) return [];
  return chains.flatMap((chain): JsonMap[] => {
    if (isJsonMap(chain)) return [chain];
    if (Array.isArray(chain)) return chain.filter(isJsonMap);
    return [];
  });
}

/**
 * Applies `change` to a copy of each provisioner object and writes the copy back when `change`
 * returns true (a provisioner fixer that gives up leaves the entry as it was).
 */
export function rewriteProvisioners(template: JsonMap, change: (provisioner: JsonMap) => boolean): void {
  const provisioners = template['provisioners'];
  if (!Array.isArray(provisioners)) return;
  provisioners.forEach((entry: JsonData, index) => {
    if (!isJsonMap(entry)) return;
    const copy = { ...entry };
    if (change(copy)) provisioners[index] = copy;
  });
}

/** Moves `from` to `to` when `from` is present; returns whether it did. */
export function renameKey(map: JsonMap, from: string, to: string): boolean {
  if (!Object.hasOwn(map, from)) return false;
  const value = map[from] as JsonData;
  delete map[from];
  map[to] = value;
  return true;
}
