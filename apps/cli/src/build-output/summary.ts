import { packerText, type BuildResult } from '@kiln/core';
import { messageOf } from '@kiln/sdk';
import type { CliUi } from '../output/ui.js';

/**
 * The end of `build`: `Wait completed`, then the errors and the artifacts of every build (with
 * their machine-readable rows), in build-name order (Packer's order is random). Returns the exit
 * code: 1 when a build failed to prepare, errored or the run was interrupted.
 */
export function printSummary(ui: CliUi, result: BuildResult): number {
  ui.say(packerText.waitCompleted(result.durationMs));
  if (result.cancelled) {
    ui.say(packerText.cancelledAll);
    return 1;
  }

  const failed = result.builds.flatMap((b) => (b.status === 'failed' ? [{ name: b.name, error: b.error }] : []));
  if (failed.length > 0) {
    ui.machine('error-count', [String(failed.length)]);
    ui.error(packerText.someErrored);
    for (const { name, error } of failed) {
      const text = result.mask(messageOf(error));
      ui.machine('error', [text], name);
      ui.error(packerText.buildError(name, text));
    }
  }

  const withArtifacts = result.builds.flatMap((b) =>
    b.status === 'succeeded' && b.artifacts.length > 0 ? [{ name: b.name, artifacts: b.artifacts }] : [],
  );
  if (withArtifacts.length === 0) {
    ui.say(packerText.noArtifacts);
  } else {
    ui.say(packerText.artifactsHeader);
    for (const { name, artifacts } of withArtifacts) {
      ui.machine('artifact-count', [String(artifacts.length)], name);
      artifacts.forEach((artifact, index) => {
        const i = String(index);
        const description = result.mask(artifact.describe());
        ui.machine('artifact', [i, 'builder-id', artifact.builderId], name);
        ui.machine('artifact', [i, 'id', artifact.id], name);
        ui.machine('artifact', [i, 'string', description], name);
        ui.machine('artifact', [i, 'files-count', String(artifact.files.length)], name);
        artifact.files.forEach((file, fileIndex) => ui.machine('artifact', [i, 'file', String(fileIndex), file], name));
        ui.machine('artifact', [i, 'end'], name);
        ui.say(packerText.artifactLine(name, description));
      });
    }
  }
  return failed.length > 0 || result.failures.length > 0 ? 1 : 0;
}
