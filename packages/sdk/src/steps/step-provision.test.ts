import { describe, expect, it } from 'vitest';
import type { BuildContext, GeneratedData, Hook } from '../build.js';
import type { Communicator } from '../communicator.js';
import { packerScriptEnv, provisionHookData } from './provision-data.js';
import { recordingUi } from './recording-ui.js';
import { runSteps } from './run-steps.js';
import { stepProvision } from './step-provision.js';
import type { Step } from './step.js';

const communicator = { type: 'ssh' } as Communicator;

function context(hook: Hook, onError: BuildContext['env']['onError'] = 'cleanup') {
  const ui = recordingUi();
  const ctx: BuildContext = {
    ui,
    hook,
    signal: new AbortController().signal,
    env: {
      buildName: 'web',
      builderType: 'qemu',
      runUuid: 'run-1',
      cacheDir: '/tmp',
      debug: false,
      force: false,
      onError,
      userVariables: {},
    },
    ledger: { record: async () => undefined, forget: async () => undefined },
  };
  return { ui, ctx };
}

describe('stepProvision', () => {
  it('runs the provision hook with the communicator and the generated data', async () => {
    const calls: [Communicator | undefined, GeneratedData][] = [];
    const { ctx } = context({
      provision: async (comm, data) => void calls.push([comm, data]),
      provisionCleanup: async () => undefined,
    });
    const step = stepProvision<{ comm: Communicator }>(ctx, {
      communicator: (s) => s.comm,
      data: () => ({ instanceId: 'i-1', httpIp: '10.0.2.2', httpPort: 8123 }),
    });
    const final = await runSteps([step as Step<{ comm: Communicator }>], { comm: communicator }, ctx);
    expect(calls[0]![0]).toBe(communicator);
    expect(calls[0]![1]).toMatchObject({ ID: 'i-1', PackerRunUUID: 'run-1', PackerHTTPAddr: '10.0.2.2:8123' });
    expect((final as { generatedData?: GeneratedData }).generatedData).toBe(calls[0]![1]);
  });

  it('holds the steps before it to the end unless the hook says there is no error-cleanup-provisioner', () => {
    const hook = (hasCleanupProvisioner?: boolean): Hook => ({
      provision: async () => undefined,
      provisionCleanup: async () => undefined,
      ...(hasCleanupProvisioner === undefined ? {} : { hasCleanupProvisioner }),
    });
    const holds = (h: Hook) => stepProvision<object>(context(h).ctx, { communicator: () => communicator }).holdsEarlierSteps === true;
    expect([holds(hook(true)), holds(hook(undefined)), holds(hook(false))]).toEqual([true, true, false]);
  });

  it('runs the error-cleanup-provisioner when provisioning failed, also under -on-error=run-cleanup-provisioner', async () => {
    const journal: string[] = [];
    const hook: Hook = {
      provision: async () => {
        throw new Error('Script exited with non-zero exit status: 2');
      },
      provisionCleanup: async () => void journal.push('cleanup provisioner'),
    };
    const { ui, ctx } = context(hook, 'run-cleanup-provisioner');
    const step = stepProvision<object>(ctx, { communicator: () => communicator });
    await expect(runSteps([step as Step], {}, ctx)).rejects.toThrow('Script exited with non-zero exit status: 2');
    expect(journal).toEqual(['cleanup provisioner']);
    expect(ui.lines).toContain('say: Provisioning step had errors: Running the cleanup provisioner, if present...');
  });
});

describe('provisionHookData', () => {
  it("fills Packer's not-implemented values and leaves connection keys out without a communicator", () => {
    const data = provisionHookData({}, 'run-1');
    expect(data).toEqual({
      ID: 'ERR_ID_NOT_IMPLEMENTED_BY_BUILDER',
      PackerRunUUID: 'run-1',
      PackerHTTPIP: 'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
      PackerHTTPPort: 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER',
      PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
    });
    expect(data['Host']).toBeUndefined();
  });
});

describe('packerScriptEnv', () => {
  const env = { buildName: 'web', builderType: 'qemu', runUuid: 'run-1' };

  it('exports build name and type, and PACKER_HTTP_* only when the builder served HTTP', () => {
    expect(packerScriptEnv(env, provisionHookData({}, 'run-1'))).toEqual({ PACKER_BUILD_NAME: 'web', PACKER_BUILDER_TYPE: 'qemu' });
    expect(packerScriptEnv(env, provisionHookData({ httpIp: '10.0.2.2', httpPort: 8080 }, 'run-1'), { local: true })).toEqual({
      PACKER_BUILD_NAME: 'web',
      PACKER_BUILDER_TYPE: 'qemu',
      PACKER_HTTP_ADDR: '10.0.2.2:8080',
      PACKER_HTTP_IP: '10.0.2.2',
      PACKER_HTTP_PORT: '8080',
      PACKER_RUN_UUID: 'run-1',
    });
  });
});
