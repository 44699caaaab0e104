import { KilnError } from '@kiln/sdk';
import { builderMaps, postProcessorMaps } from '../fixer.js';
import type { Fixer } from '../fixer.js';
import type { JsonData, JsonMap } from '../data.js';

function postProcessorsOfType(template: JsonMap, type: string): JsonMap[] {
  return postProcessorMaps(template).filter((postProcessor) => postProcessor['type'] === type);
}

const VAGRANT_PROVIDERS = ['aws', 'digitalocean', 'virtualbox', 'vmware'];

export const ppVagrantOverride: Fixer = {
  name: 'pp-vagrant-override',
  synopsis: 'Fixes provider-specific overrides for Vagrant post-processor',
  fix(template) {
    for (const postProcessor of postProcessorsOfType(template, 'vagrant')) {
      const overrides: JsonMap = {};
      for (const provider of VAGRANT_PROVIDERS) {
        if (!Object.hasOwn(postProcessor, provider)) continue;
        overrides[provider] = postProcessor[provider] as JsonData;
        delete postProcessor[provider];
      }
      if (Object.keys(overrides).length > 0) postProcessor['override'] = overrides;
    }
  },
};

export const manifestFilename: Fixer = {
  name: 'manifest-filename',
  synopsis: 'Updates "manifest" post-processor so any "filename" field is renamed to "output".',
  fix(template) {
    for (const postProcessor of postProcessorsOfType(template, 'manifest')) {
      const filename = postProcessor['filename'];
      if (typeof filename !== 'string') continue;
      delete postProcessor['filename'];
      postProcessor['output'] = filename;
    }
  },
};

export const dockerEmail: Fixer = {
  name: 'docker-email',
  synopsis: 'Removes "login_email" from the Docker builder.',
  fix(template) {
    // Packer only looks when the template has post-processors, and then strips every builder too.
    if (template['post-processors'] === null || template['post-processors'] === undefined) return;
    for (const component of [...builderMaps(template), ...postProcessorMaps(template)]) delete component['login_email'];
  },
};

export const dockerTagTags: Fixer = {
  name: 'docker-tag-tags',
  synopsis: 'Updates "docker" post-processor so any "tag" field is renamed to "tags".',
  fix(template) {
    for (const postProcessor of postProcessorsOfType(template, 'docker-tag')) {
      const tags = [...tagList(postProcessor['tag']), ...tagList(postProcessor['tags'])];
      delete postProcessor['tag'];
      postProcessor['tags'] = [...new Set(tags)];
    }
  },
};

/** A tag list as written: a list of strings, or one comma-separated string. */
function tagList(value: JsonData | undefined): string[] {
  if (typeof value === 'string') return value.split(',').map((tag) => tag.trim());
  if (!Array.isArray(value)) return [];
  return value.map((tag) => {
    if (typeof tag !== 'string') throw new KilnError('TEMPLATE_INVALID', 'docker-tag-tags: every tag must be a string');
    return tag;
  });
}
