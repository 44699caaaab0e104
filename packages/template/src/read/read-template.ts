import type { JsonNode, JsonObjectNode } from '../json/ast.js';
import { parseJson } from '../json/parse.js';
import type { Template } from '../model.js';
import { StructDecoder } from './decode.js';
import { goMultiErrorText } from './go/error-text.js';
import { compareGoStrings, goKindName } from './go/values.js';
import { ProblemFactory, throwGoErrors } from './problems.js';
import type { GoError } from './problems.js';
import { readBuilders, readPostProcessors, readProvisioner, readProvisioners, readVariables } from './sections.js';

/**
 * Reads a Packer JSON template: everything `packer validate -syntax-only` checks, in the order
 * and with the words of Packer 1.6.6 (packer-plugin-sdk/template/parse.go):
 *
 * 1. JSON (throws JsonSyntaxError, JsonNumberRangeError or JsonDuplicateKeyError);
 * 2. the types of the root keys (`'builders': source data must be an array or slice, got map`);
 * 3. root keys that are neither known nor `_comments` (a comment must be a string);
 * 4. each section: variables (string or null), builders (type, unique names), post-processors
 *    (the three forms, type), provisioners (type, decodable only/except/override/durations),
 *    the error-cleanup-provisioner.
 *
 * Packer stops at the first stage that fails and reports every problem of that stage at once;
 * so does this: a stage's problems are thrown together as one KilnErrors (code
 * TEMPLATE_INVALID, each with its position and key path) whose message is exactly the text
 * Packer prints after `Failed to parse template: `.
 *
 * What only a full `packer validate` checks (only/except/override names, at least one builder,
 * min_packer_version) is in checkTemplate.
 */
export function readTemplate(text: string | Uint8Array, path: string): Template {
  const problems = new ProblemFactory(path);
  const parsed = parseJson(text, { file: path });
  const root = rootObject(parsed, problems);

  const decoder = new StructDecoder(root, { weak: false, problems: [] }, []);
  const minPackerVersion = decoder.string('min_packer_version');
  const description = decoder.string('Description');
  const builderNodes = decoder.list('builders') ?? [];
  decoder.stringMapList('Comments');
  decoder.map('Push');
  const postProcessorNodes = decoder.list('post-processors') ?? [];
  const provisionerNodes = decoder.list('Provisioners') ?? [];
  const cleanupEntry = decoder.field('error-cleanup-provisioner');
  const variablesNode = decoder.map('Variables');
  const sensitiveVariables = decoder.stringList('sensitive-variables') ?? [];
  decoder.byteList('RawContents');
  if (decoder.context.problems.length > 0) {
    const error = problems.decoding('', decoder.context.problems);
    throwGoErrors([error], error.text);
  }

  checkUnusedRootKeys(decoder, problems);

  const variables = readVariables(variablesNode, sensitiveVariables, problems);
  const builders = readBuilders(builderNodes, problems);
  const postProcessors = readPostProcessors(postProcessorNodes, problems);
  const provisioners = readProvisioners(provisionerNodes, problems);
  const cleanup =
    cleanupEntry && cleanupEntry.value.kind !== 'null'
      ? readProvisioner(
          cleanupEntry.value,
          0,
          ['error-cleanup-provisioner'],
          'On Error Cleanup Provisioner error: ',
          problems,
        )
      : undefined;
  const errors = [
    ...variables.errors,
    ...builders.errors,
    ...postProcessors.errors,
    ...provisioners.errors,
    ...(cleanup?.errors ?? []),
  ];
  if (errors.length > 0) throwGoErrors(errors, goMultiErrorText(errors.map((error) => error.text)));

  return {
    path,
    ...(description !== undefined ? { description } : {}),
    ...(minPackerVersion !== undefined ? { minPackerVersion } : {}),
    variables: variables.value,
    sensitiveVariables,
    builders: builders.value,
    provisioners: provisioners.value,
    ...(cleanup?.value ? { errorCleanupProvisioner: cleanup.value } : {}),
    postProcessors: postProcessors.value,
    root,
  };
}

/** The root must be an object; `null` is an empty template for Go (it decodes to nothing). */
function rootObject(node: JsonNode, problems: ProblemFactory): JsonObjectNode {
  if (node.kind === 'object') return node;
  if (node.kind === 'null') return { kind: 'object', entries: [], start: node.start, end: node.end };
  const error = problems.single(`'' expected a map, got '${goKindName(node)}'`, node.start, []);
  return throwGoErrors([error], error.text);
}

/**
 * Root keys no field claimed, in Go's sorted order: `_...` keys are comments and must be strings
 * (Packer gives up at the first that is not); anything else is unknown. `push` is a field (the
 * old Atlas push settings), so it is accepted and ignored.
 */
function checkUnusedRootKeys(decoder: StructDecoder, problems: ProblemFactory): void {
  const unused = decoder.unusedEntries().sort((a, b) => compareGoStrings(a.key, b.key));
  const errors: GoError[] = [];
  for (const entry of unused) {
    // Packer 1.6.6 crashes on an empty key (it reads its first byte); here it is just unknown.
    if (entry.key.startsWith('_')) {
      if (entry.value.kind !== 'string') {
        const message = `Failed to cast root level comment value in comment "${entry.key}" to string.`;
        const error = problems.single(message, entry.value.start, [entry.key]);
        throwGoErrors([error], error.text);
      }
      continue;
    }
    errors.push(problems.single(`Unknown root level key in template: '${entry.key}'`, entry.keyStart, [entry.key]));
  }
  if (errors.length > 0) throwGoErrors(errors, goMultiErrorText(errors.map((error) => error.text)));
}
