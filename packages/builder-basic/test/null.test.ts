import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KilnErrors, type Communicator, type JsonSchema } from '@kiln/sdk';
import { NullBuilder, nullBuilderPlugin, noneCommunicator } from '../src/index.js';
import { fakeBuildContext, prepareContext } from './fakes.js';
import { hasPacker, packerArtifacts, packerPrepareErrors, runPacker, startWinrmServer } from '@kiln/testbed';

const NONE = { communicator: 'none' };

describe('null builder: options', () => {
  it('accepts every communicator option Packer 1.6.6 accepts for it', () => {
    const keys = Object.keys(nullBuilderPlugin.schema.properties ?? {});
    // the keys a null build in `packer validate` accepted (ssh_interface and ssh_ip_version are refused)
    for (const key of ['communicator', 'pause_before_connecting', 'ssh_host', 'ssh_bastion_interactive', 'ssh_local_tunnels',
      'temporary_key_pair_bits', 'ssh_public_key', 'ssh_private_key', 'winrm_use_ntlm', 'winrm_no_proxy']) {
      expect(keys).toContain(key);
    }
    expect(keys).toHaveLength(49);
    expect(keys).not.toContain('ssh_interface');
    expect(nullBuilderPlugin.schema.properties?.['ssh_timeout']).toMatchObject({ 'x-kiln-duration': true, default: '5m' });
    expect(nullBuilderPlugin.schema.properties?.['ssh_password']?.['x-kiln-secret']).toBe(true);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['no communicator (ssh by default)', {}, [
      'An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".',
      'a Host must be specified, please reference your communicator documentation',
      'a Username must be specified, please reference your communicator documentation',
      'one authentication method must be specified, please reference your communicator documentation',
    ]],
    ['ssh with a host only', { communicator: 'ssh', ssh_host: 'h' }, [
      'An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".',
      'a Username must be specified, please reference your communicator documentation',
      'one authentication method must be specified, please reference your communicator documentation',
    ]],
    ['two authentication methods', { communicator: 'ssh', ssh_host: 'h', ssh_username: 'u', ssh_password: 'p', ssh_agent_auth: true }, [
      'only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified',
    ]],
    ['winrm without a user', { communicator: 'winrm' }, [
      'winrm_username must be specified.',
      'a Host must be specified, please reference your communicator documentation',
      'a Username must be specified, please reference your communicator documentation',
      'one authentication method must be specified, please reference your communicator documentation',
    ]],
    ['an unknown communicator', { communicator: 'bogus' }, [
      'Communicator type bogus is invalid',
      'a Host must be specified, please reference your communicator documentation',
      'a Username must be specified, please reference your communicator documentation',
      'one authentication method must be specified, please reference your communicator documentation',
    ]],
    ['none', NONE, []],
  ];

  it.each(cases)('validates %s in Packer words', (_name, config, expected) => {
    expect(nullBuilderPlugin.validate?.(config, prepareContext)).toEqual(expected);
  });

  it.skipIf(!hasPacker)('has no option that packer validate would call unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-null-'));
    const sample = (schema: JsonSchema): unknown =>
      schema['x-kiln-duration'] ? '1s' : schema.type === 'array' ? [] : schema.type === 'integer' ? 1 : schema.type === 'boolean' ? false : '';
    const config = Object.fromEntries(
      Object.entries(nullBuilderPlugin.schema.properties ?? {}).map(([key, schema]) => [key, sample(schema)]),
    );
    const { stdout } = runPacker(dir, { builders: [{ type: 'null', ...config, communicator: 'none' }] }, ['validate']);
    expect(packerPrepareErrors(stdout)).toEqual([]);
  });

  it.skipIf(!hasPacker)('says what packer validate says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-null-'));
    for (const [, config, expected] of cases.filter(([, , errors]) => errors.length > 0)) {
      const { stdout } = runPacker(dir, { builders: [{ type: 'null', ...config }] }, ['validate']);
      // Packer's Ui wraps long lines; compare the words.
      const words = (messages: readonly string[]) => messages.map((m) => m.replace(/\s+/g, ' '));
      expect(words(packerPrepareErrors(stdout))).toEqual(words(expected));
    }
  });

  it('prepare throws every problem at once', () => {
    expect(() => new NullBuilder().prepare({}, prepareContext)).toThrow(KilnErrors);
    const twoMethods = { ssh_host: 'h', ssh_username: 'u', ssh_password: 'p', ssh_private_key_file: 'k' };
    // as `packer validate` 1.6.6 reports it: the key file is checked too
    const thrown = (() => {
      try {
        new NullBuilder().prepare(twoMethods, prepareContext);
      } catch (error) {
        return error as KilnErrors;
      }
      return undefined;
    })();
    expect(thrown?.errors.map((error) => error.message)).toEqual([
      'ssh_private_key_file is invalid: stat k: no such file or directory',
      'only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified',
    ]);
  });
});

describe('null builder: run', () => {
  it('provisions over the none communicator with Packer generated data, and returns the null artifact', async () => {
    const builder = nullBuilderPlugin.create();
    builder.prepare(NONE, prepareContext);
    const { ctx, calls } = fakeBuildContext();
    const artifact = await builder.run(ctx);
    expect(calls).toEqual([
      {
        kind: 'provision',
        communicator: noneCommunicator,
        data: {
          ID: 'Null',
          PackerRunUUID: ctx.env.runUuid,
          PackerHTTPIP: 'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
          PackerHTTPPort: 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER',
          PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
        },
      },
    ]);
    expect(artifact).toMatchObject({ builderId: 'fnoeding.null', id: 'Null', files: [] });
    expect(artifact?.describe()).toBe('Did not export anything. This is the null builder');
    expect(artifact?.state('generated_data')).toBeUndefined();
  });

  it('the none communicator refuses remote work with Packer\'s message', async () => {
    await expect(noneCommunicator.exec({ command: 'true' })).rejects.toThrow(/^No communicator found for provisioners!/);
  });

  it('runs the error-cleanup provisioner when provisioning failed, and reports both failures', async () => {
    const builder = nullBuilderPlugin.create();
    builder.prepare(NONE, prepareContext);
    const failing = fakeBuildContext({ provisionError: new Error('boom') });
    await expect(builder.run(failing.ctx)).rejects.toThrow('boom');
    expect(failing.calls.map((call) => call.kind)).toEqual(['provision', 'cleanup']);
    expect(failing.ui.lines).toContain('say: Provisioning step had errors: Running the cleanup provisioner, if present...');

    const both = fakeBuildContext({ provisionError: new Error('boom'), cleanupError: new Error('bang') });
    await expect(builder.run(both.ctx)).rejects.toThrow('Cleanup failed: bang. Original Provisioning error: boom');
  });

  it('connects through the connector it is given, exposes the connection as build data, and closes it', async () => {
    let closed = false;
    const fake: Communicator = { ...noneCommunicator, type: 'ssh', close: async () => void (closed = true) };
    const builder = new NullBuilder({ connect: async () => fake });
    builder.prepare({ ssh_host: 'h', ssh_username: 'u', ssh_password: 'p' }, prepareContext);
    const { ctx, calls } = fakeBuildContext();
    await builder.run(ctx);
    expect(calls[0]?.communicator).toBe(fake);
    expect(calls[0]?.data).toMatchObject({ ID: 'Null', Host: 'h', Port: 22, User: 'u', Password: 'p', ConnType: 'ssh' });
    expect(closed).toBe(true);
  });

  it('provisions over WinRM, uploading with the WinRM communicator, and closes it', async () => {
    const server = await startWinrmServer();
    try {
      const builder = nullBuilderPlugin.create();
      const config = { communicator: 'winrm', winrm_host: server.host, winrm_port: server.port, winrm_username: server.username, winrm_password: server.password };
      builder.prepare(config, prepareContext);
      const { ctx, calls, ui } = fakeBuildContext();
      const hook: typeof ctx.hook = {
        ...ctx.hook,
        provision: async (communicator, ...rest) => {
          await communicator?.upload('C:\\Windows\\Temp\\hello.txt', Readable.from([Buffer.from('hello from kiln\n')]));
          await ctx.hook.provision(communicator, ...rest);
        },
      };
      await builder.run({ ...ctx, hook });
      expect(calls[0]?.communicator?.type).toBe('winrm');
      expect(calls[0]?.data).toMatchObject({ Host: server.host, Port: server.port, User: server.username, ConnType: 'winrm' });
      expect(readFileSync(server.localPath('C:\\Windows\\Temp\\hello.txt'), 'utf8')).toBe('hello from kiln\n');
      expect(ui.lines).toContain('say: Connected to WinRM!');
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!hasPacker)('makes the artifact Packer makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-null-'));
    const { stdout } = runPacker(dir, { builders: [{ type: 'null', communicator: 'none' }] }, ['build']);
    const builder = nullBuilderPlugin.create();
    builder.prepare(NONE, prepareContext);
    const artifact = await builder.run(fakeBuildContext().ctx);
    expect(packerArtifacts(stdout, 'null')).toEqual([
      { 'builder-id': artifact?.builderId, id: artifact?.id, string: artifact?.describe(), files: artifact?.files },
    ]);
  });
});
