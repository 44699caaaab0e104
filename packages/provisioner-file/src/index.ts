export { plugin as fileProvisionerPlugin } from './plugin.js';
export { FileProvisioner } from './provisioner.js';
export { fileSchema } from './config.js';
export type { FileConfig } from './config.js';
export { fileConfigErrors, fileSources } from './validate.js';
export { downloadSource, uploadContent, uploadSource } from './transfer.js';
export type { TransferContext } from './transfer.js';
