export { build } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export type { AskRequest, BuildEvent, UiEvent } from './events.js';
export { prepareBuilds } from './prepare/prepare-builds.js';
export type { PrepareBuildsOptions } from './prepare/prepare-builds.js';
export type {
  PrepareBuildsResult,
  PrepareFailure,
  PrepareWarning,
  PreparedBuild,
  PreparedPostProcessor,
  PreparedProvisioner,
} from './prepare/prepared-build.js';
export type { BuildOutcome } from './run/run-build.js';
export { keepInput } from './run/post-process.js';
export { formatDurafmt, packerText, targetedText } from './output/packer-text.js';
export { renderEventsOn } from './output/plain-renderer.js';
