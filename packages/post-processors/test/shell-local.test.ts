import { describe, expect, it } from 'vitest';
import { KilnError } from '@kiln/sdk';
import { ShellLocalPostProcessor, shellLocalPostProcessorPlugin } from '../src/index.js';
import { fakeArtifact, postProcessContext, prepareContext } from './fakes.js';

async function run(config: object, artifact = fakeArtifact(['f.txt'], { generatedData: { ID: 'i-9' } })) {
  const pp = new ShellLocalPostProcessor();
  pp.prepare(config, prepareContext);
  const { ctx, ui } = postProcessContext();
  const result = await pp.postProcess(artifact, ctx);
  return { result, lines: ui.lines, artifact };
}

describe('shell-local post-processor', () => {
  it('shares the provisioner options and checks', () => {
    expect(shellLocalPostProcessorPlugin).toMatchObject({ kind: 'post-processor', type: 'shell-local' });
    expect(Object.keys(shellLocalPostProcessorPlugin.schema.properties ?? {})).toContain('execute_command');
    expect(shellLocalPostProcessorPlugin.validate?.({}, prepareContext)).toEqual([
      'Command, Inline, Script and Scripts options cannot all be empty.',
    ]);
  });

  it('runs with the build data of the artifact and passes the artifact on, kept', async () => {
    const { result, lines, artifact } = await run({ inline: ['echo "$PACKER_BUILD_NAME {{.ID}}"'] });
    expect(lines.slice(1)).toEqual(['message: web i-9']);
    expect(result).toEqual({ artifact, keep: true, forceOverride: true });
  });

  it('runs a one-element execute_command through sh -c, as the old post-processor did', async () => {
    const { lines } = await run({ inline: ['true'], execute_command: ['echo legacy {{.Script}} | sed s/legacy/LEGACY/'] });
    expect(lines[1]).toMatch(/^message: LEGACY \/.*packer-shell\d+$/);
  });

  it('fails the chain on a bad exit code', async () => {
    await expect(run({ inline: ['exit 4'] })).rejects.toThrow(
      new KilnError('STEP_FAILED', 'Script exited with non-zero exit status: 4.Allowed exit codes are: [0]'),
    );
  });
});
