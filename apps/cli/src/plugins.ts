import { createPluginRegistry } from '@kiln/sdk';
import type { PluginDefinition, PluginKind, PluginLoader, PluginRegistry } from '@kiln/sdk';
import { usePrecompiledValidator } from '@kiln/template';
import { loadPrecompiledValidator } from './precompiled-validators.js';

/** A plugin's own config type is erased here: the registry hands plugins to core untyped. */
const erase = <C, I>(plugin: PluginDefinition<C, I>): PluginDefinition => plugin as unknown as PluginDefinition;

/**
 * The plugins bundled with the kiln command, by kind and type. Each loader imports its package
 * only when a template names the type, so `kiln validate` of a null-builder template never loads
 * the AWS SDK.
 */
export const BUNDLED_PLUGIN_LOADERS: Readonly<Record<PluginKind, Readonly<Record<string, PluginLoader>>>> = {
  builder: {
    'amazon-ebs': async () => erase((await import('@kiln/builder-ec2')).amazonEbsPlugin),
    file: async () => erase((await import('@kiln/builder-basic')).fileBuilderPlugin),
    null: async () => erase((await import('@kiln/builder-basic')).nullBuilderPlugin),
    qemu: async () => erase((await import('@kiln/builder-qemu')).qemuBuilderPlugin),
  },
  provisioner: {
    'chef-client': async () => erase((await import('@kiln/provisioner-chef')).chefClientProvisionerPlugin),
    'chef-solo': async () => erase((await import('@kiln/provisioner-chef')).chefSoloProvisionerPlugin),
    file: async () => erase((await import('@kiln/provisioner-file')).fileProvisionerPlugin),
    shell: async () => erase((await import('@kiln/provisioner-shell')).shellProvisionerPlugin),
    'shell-local': async () => erase((await import('@kiln/provisioner-shell')).shellLocalProvisionerPlugin),
  },
  'post-processor': {
    checksum: async () => erase((await import('@kiln/post-processors')).checksumPostProcessorPlugin),
    compress: async () => erase((await import('@kiln/post-processors')).compressPostProcessorPlugin),
    manifest: async () => erase((await import('@kiln/post-processors')).manifestPostProcessorPlugin),
    'shell-local': async () => erase((await import('@kiln/post-processors')).shellLocalPostProcessorPlugin),
  },
};

/** Loads the plugin and, in the bundle, the validator compiled ahead of time for its schema. */
function withPrecompiledValidator(kind: PluginKind, type: string, load: PluginLoader): PluginLoader {
  return async () => {
    const [plugin, validate] = await Promise.all([load(), loadPrecompiledValidator(kind, type)]);
    if (validate) usePrecompiledValidator(plugin.schema, validate);
    return plugin;
  };
}

export function createBundledPluginRegistry(): PluginRegistry {
  const kinds = Object.keys(BUNDLED_PLUGIN_LOADERS) as PluginKind[];
  const loaders = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      Object.fromEntries(
        Object.entries(BUNDLED_PLUGIN_LOADERS[kind]).map(([type, load]) => [type, withPrecompiledValidator(kind, type, load)]),
      ),
    ]),
  ) as Record<PluginKind, Record<string, PluginLoader>>;
  return createPluginRegistry(loaders);
}

/** Every bundled plugin, loaded: for `kiln schema` and the generated docs. */
export async function bundledPlugins(): Promise<PluginDefinition[]> {
  const registry = createBundledPluginRegistry();
  const kinds: readonly PluginKind[] = ['builder', 'provisioner', 'post-processor'];
  const plugins = await Promise.all(
    kinds.flatMap((kind) => registry.kinds(kind).map((type) => registry.load(kind, type))),
  );
  return plugins.filter((plugin): plugin is PluginDefinition => plugin !== undefined);
}
