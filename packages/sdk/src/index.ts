export { KilnError, KilnErrors, formatPosition, isKilnError } from './errors.js';
export type { KilnErrorCode, KilnErrorOptions, SourcePosition } from './errors.js';
export { createPluginRegistry, definePlugin } from './plugin.js';
export type {
  JsonSchema,
  JsonSchemaType,
  PluginDefinition,
  PluginKind,
  PluginLoader,
  PluginRegistry,
  PrepareContext,
} from './plugin.js';
export { formatGoDuration, parseGoDuration, parseGoDurationStrict } from './duration.js';
export { silentUi } from './ui.js';
export { formatSystemError, statErrorText } from './system-error.js';
export { throwConfigErrors } from './config-errors.js';
export type { Ui } from './ui.js';
export type { Artifact } from './artifact.js';
export { DISCONNECTED_EXIT_STATUS } from './communicator.js';
export type { Communicator, RemoteCommand, RemoteCommandResult, UploadOptions } from './communicator.js';
export type {
  BuildContext,
  BuildEnvironment,
  Builder,
  GeneratedData,
  Hook,
  LedgerEntry,
  OnErrorPolicy,
  PostProcessContext,
  PostProcessResult,
  PostProcessor,
  PrepareResult,
  ProvisionContext,
  Provisioner,
  ResourceLedger,
} from './build.js';
export {
  NOT_IMPLEMENTED,
  StepSequence,
  askAfterFailure,
  askOrCancel,
  cleanUpEarlier,
  concurrently,
  debugPause,
  messageOf,
  packerScriptEnv,
  provisionHookData,
  recordingUi,
  runSteps,
  stepProvision,
  steps,
} from './steps/index.js';
export type {
  AnyStep,
  AskDecision,
  CleanupContext,
  ConnectionData,
  MissingStepInputs,
  ProvisionDataInput,
  ProvisionStepSources,
  RunStepsOptions,
  Step,
  StepContext,
  StepEvent,
  StepOutcome,
  StepResult,
} from './steps/index.js';
export { sleep, waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
