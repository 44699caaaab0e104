import { Readable } from 'node:stream';
import type { Communicator, PrepareContext, ProvisionContext, RemoteCommand, Ui } from '@kiln/sdk';
import { KilnErrors, recordingUi } from '@kiln/sdk';
import { decodePluginConfig, interpolate, loadValidator, parseJson, type JsonObjectNode } from '@kiln/template';
import type { JsonSchema } from '@kiln/sdk';

/** One thing the fake communicator was asked to do, in order. */
export type FakeEvent =
  | { readonly kind: 'exec'; readonly command: string }
  | { readonly kind: 'upload'; readonly path: string; readonly text: string }
  | { readonly kind: 'uploadDir'; readonly remoteDir: string; readonly localDir: string };

/**
 * A Communicator that records commands and uploads. `exitStatusOf` picks each command's exit
 * status (default 0); `failUploadTo` makes uploads to matching paths fail.
 */
export function fakeCommunicator(
  options: { exitStatusOf?: (command: string) => number; failUploadTo?: RegExp; stdoutOf?: (command: string) => string[] } = {},
): Communicator & { readonly events: FakeEvent[]; uploaded(path: string): string | undefined } {
  const events: FakeEvent[] = [];
  return {
    type: 'ssh',
    events,
    uploaded: (path) => events.findLast((event) => event.kind === 'upload' && event.path === path)?.['text' as never],
    async exec(command: RemoteCommand) {
      events.push({ kind: 'exec', command: command.command });
      for (const line of options.stdoutOf?.(command.command) ?? []) command.onStdout?.(line);
      return { exitStatus: options.exitStatusOf?.(command.command) ?? 0 };
    },
    async upload(path: string, content: Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
      if (options.failUploadTo?.test(path)) throw new Error(`scp: ${path}: Permission denied`);
      events.push({ kind: 'upload', path, text: Buffer.concat(chunks).toString('utf8') });
    },
    async uploadDir(remoteDir: string, localDir: string) {
      events.push({ kind: 'uploadDir', remoteDir, localDir });
    },
    download: () => Promise.reject(new Error('not in this fake')),
    downloadDir: () => Promise.reject(new Error('not in this fake')),
  };
}

/** A PrepareContext that renders with @kiln/template's Go template engine, as core's does. */
export function templateContext(userVariables: Readonly<Record<string, string>> = {}): PrepareContext {
  return {
    buildName: 'null',
    builderType: 'null',
    positionOf: () => undefined,
    render: (text, data) =>
      interpolate(text, {
        userVariables,
        initTime: new Date(0),
        buildName: 'null',
        buildType: 'null',
        packerVersion: '1.6.6',
        data: data ?? {},
        buildData: data ?? {},
      }),
  };
}

/** Gets each schema's validator ready, as core does once it has loaded a plugin. */
export async function loadValidators(...schemas: JsonSchema[]): Promise<void> {
  await Promise.all(schemas.map(loadValidator));
}

/**
 * Decodes a provisioner block as core does (strings rendered with the user variables, late-render
 * options kept raw), so tests see exactly the config a template yields.
 */
export function decodeConfig<C>(schema: JsonSchema, block: object, userVariables: Readonly<Record<string, string>> = {}): C {
  const { type: _type, ...config } = block as Record<string, unknown>;
  const node = parseJson(JSON.stringify(config), { file: 'template.json' }) as JsonObjectNode;
  const ctx = templateContext(userVariables);
  const decoded = decodePluginConfig<C>(node, schema, { file: 'template.json', keyPath: 'provisioners[0]', render: (text) => ctx.render(text) });
  if (decoded.errors.length > 0) throw new Error(decoded.errors.map((error) => error.message).join('\n'));
  return decoded.config;
}

export function provisionContext(communicator: Communicator | undefined, ui: Ui = recordingUi()): ProvisionContext {
  return {
    ui,
    communicator,
    generatedData: {},
    signal: new AbortController().signal,
    env: {
      buildName: 'null',
      builderType: 'null',
      runUuid: '00000000-0000-0000-0000-000000000000',
      cacheDir: 'packer_cache',
      debug: false,
      force: false,
      onError: 'cleanup',
      userVariables: {},
    },
  };
}

/** Packer's random node names (`packer-<TimeOrderedUUID>`), made comparable. */
export function normaliseNodeNames(text: string): string {
  return text.replace(/packer-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'packer-<uuid>');
}

/** The messages a prepare() threw: one KilnError, or each of a KilnErrors. */
export function prepareErrors(prepare: () => void): string[] {
  try {
    prepare();
    return [];
  } catch (error) {
    if (error instanceof KilnErrors) return error.errors.map((each) => each.message);
    return [(error as Error).message];
  }
}
