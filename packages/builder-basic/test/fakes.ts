import { recordingUi, type BuildContext, type Communicator, type GeneratedData, type PrepareContext } from '@kiln/sdk';

export const prepareContext: PrepareContext = {
  buildName: 'web',
  builderType: 'file',
  positionOf: () => undefined,
  render: (text) => text,
};

export interface HookCall {
  readonly kind: 'provision' | 'cleanup';
  readonly communicator: Communicator | undefined;
  readonly data: GeneratedData;
}

/** A BuildContext whose hook records its calls and can be told to fail. */
export function fakeBuildContext(options: { provisionError?: Error; cleanupError?: Error; onError?: BuildContext['env']['onError'] } = {}) {
  const ui = recordingUi();
  const calls: HookCall[] = [];
  const ctx: BuildContext = {
    ui,
    signal: new AbortController().signal,
    env: {
      buildName: 'web',
      builderType: 'null',
      runUuid: '01234567-89ab-cdef-0123-456789abcdef',
      cacheDir: 'packer_cache',
      debug: false,
      force: false,
      onError: options.onError ?? 'cleanup',
      userVariables: {},
    },
    ledger: { record: async () => undefined, forget: async () => undefined },
    hook: {
      provision: async (communicator, data) => {
        calls.push({ kind: 'provision', communicator, data });
        if (options.provisionError) throw options.provisionError;
      },
      provisionCleanup: async (communicator, data) => {
        calls.push({ kind: 'cleanup', communicator, data });
        if (options.cleanupError) throw options.cleanupError;
      },
    },
  };
  return { ctx, ui, calls };
}
