import type { KilnError } from '@kiln/sdk';
import type { JsonNode } from '../json/ast.js';
import { findJsonNode } from '../json/value.js';
import type { KeyPathSegment } from '../json/value.js';
import type { Template } from '../model.js';
import { goMultiErrorText } from './go/error-text.js';
import { checkMinPackerVersion } from './min-version.js';
import { ProblemFactory } from './problems.js';

/**
 * The template checks that only a full `packer validate` (or build) makes, after readTemplate
 * (= `-syntax-only`) succeeded. In Packer 1.6.6 (packer/core.go validate()) they come in two
 * stages, and the second only runs when the first found nothing:
 *
 * 1. Template.Validate(): at least one builder; for each provisioner and post-processor, not
 *    both `only` and `except`, and every name in them (and in a provisioner's `override`) a
 *    builder's raw name. Packer prints these as one go-multierror list.
 * 2. `min_packer_version` against KILN_PACKER_COMPAT_VERSION: a single plain error.
 *
 * (Packer's next step, `required variable not set: X`, needs the variable values and belongs to
 * the variables module.) Returns [] when all is well; see checkTemplateErrorText for Packer's text.
 */
export function checkTemplate(template: Template): KilnError[] {
  const errors = validateStructure(template);
  if (errors.length > 0) return errors;
  const minVersionNode = findJsonNode(template.root, ['min_packer_version']);
  const problems = new ProblemFactory(template.path);
  const versionError = checkMinPackerVersion(
    template.minPackerVersion,
    minVersionNode ? problems.position(minVersionNode.start) : undefined,
  );
  return versionError ? [versionError] : [];
}

/**
 * What Packer prints for checkTemplate's errors (the detail under `Error: `): the structural
 * errors as a go-multierror list, the min_packer_version error as is.
 */
export function checkTemplateErrorText(errors: readonly KilnError[]): string {
  const [first] = errors;
  if (errors.length === 1 && first?.keyPath === 'min_packer_version') return first.message;
  return goMultiErrorText(errors.map((error) => error.message));
}

function validateStructure(template: Template): KilnError[] {
  const problems = new ProblemFactory(template.path);
  const errors: KilnError[] = [];
  const builderNames = new Set(template.builders.map((builder) => builder.rawName));
  // Where a path is not in the text as such (`"only": "x"` lifted to a list, a key in other
  // case), the error points at the closest enclosing value that is.
  const at = (path: readonly KeyPathSegment[]) => nearestNode(template.root, path).start;

  if (template.builders.length === 0) {
    errors.push(problems.error('at least one builder must be defined', at(['builders']), ['builders']));
  }

  const checkOnlyExcept = (
    label: string,
    path: readonly KeyPathSegment[],
    definition: { readonly only?: readonly string[]; readonly except?: readonly string[] },
  ) => {
    const only = definition.only ?? [];
    const except = definition.except ?? [];
    if (only.length > 0 && except.length > 0) {
      errors.push(problems.error(`${label}only one of 'only' or 'except' may be specified`, at(path), path));
      return;
    }
    for (const [key, names] of [
      ['only', only],
      ['except', except],
    ] as const) {
      names.forEach((name, index) => {
        if (builderNames.has(name)) return;
        const namePath = [...path, key, index];
        errors.push(problems.error(`${label}'${key}' specified builder '${name}' not found`, at(namePath), namePath));
      });
    }
  };

  template.provisioners.forEach((provisioner, index) => {
    const path = ['provisioners', index];
    const label = `provisioner ${index + 1}: `;
    checkOnlyExcept(label, path, provisioner);
    for (const [name, node] of Object.entries(provisioner.overrideNodes ?? {})) {
      if (builderNames.has(name)) continue;
      errors.push(problems.error(`${label}override '${name}' doesn't exist`, node.start, [...path, 'override', name]));
    }
  });

  template.postProcessors.forEach((chain, chainIndex) => {
    const chainIsList = findJsonNode(template.root, ['post-processors', chainIndex])?.kind === 'array';
    chain.forEach((postProcessor, memberIndex) => {
      const path = chainIsList ? ['post-processors', chainIndex, memberIndex] : ['post-processors', chainIndex];
      checkOnlyExcept(`post-processor ${chainIndex + 1}.${memberIndex + 1}: `, path, postProcessor);
    });
  });
  return errors;
}

function nearestNode(root: JsonNode, path: readonly KeyPathSegment[]): JsonNode {
  for (let length = path.length; length > 0; length--) {
    const node = findJsonNode(root, path.slice(0, length));
    if (node) return node;
  }
  return root;
}
