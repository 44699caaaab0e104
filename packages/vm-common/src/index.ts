export { parseBootCommand, validateBootCommand } from './bootcommand/grammar.js';
export type { BootExpression } from './bootcommand/grammar.js';
export { SPECIAL_KEYS, needsShift } from './bootcommand/keys.js';
export type { KeyAction, SpecialKey } from './bootcommand/keys.js';
export { runBootCommand } from './bootcommand/run.js';
export type { BootCommandDriver } from './bootcommand/run.js';
export { DEFAULT_KEY_INTERVAL_MS, resolveKeyInterval } from './bootcommand/key-interval.js';
export { SPECIAL_KEYSYMS, createVncBootDriver, keysymOf } from './bootcommand/vnc-driver.js';
export type { VncKeyboard } from './bootcommand/vnc-driver.js';
export { characterScancodes, chunkScancodes, createPcXtBootDriver, specialScancodes } from './bootcommand/pcxt-driver.js';
export type { PcXtDriverOptions } from './bootcommand/pcxt-driver.js';
export { typeBootCommandAsScancodes, typeBootCommandOverVnc } from './bootcommand/type-boot-command.js';
export type { TypeOverVncOptions, TypeScancodesOptions } from './bootcommand/type-boot-command.js';
export { waitForBoot } from './bootcommand/boot-wait.js';
export { bootConfigProperties, prepareBootConfig, prepareVncBootConfig, vncBootConfigProperties } from './bootcommand/config.js';
export type { BootConfig, PreparedBootConfig, PreparedVncBootConfig, VncBootConfig } from './bootcommand/config.js';
export { connectVnc } from './vnc/rfb-client.js';
export type { PixelFormat, RfbVersion, ServerInit, VncClient, VncConnectOptions } from './vnc/rfb-client.js';
export { desEncryptBlock, vncAuthResponse } from './vnc/des.js';
export { sleep } from './util/sleep.js';
export {
  ChecksumMismatchError,
  checksumFromType,
  checksumFromValue,
  formatChecksum,
  hashFile,
  parseChecksum,
  resolveChecksum,
  verifyChecksum,
} from './download/checksum.js';
export type { Checksum, ChecksumType, ResolveChecksumOptions } from './download/checksum.js';
export { cacheTargetPath, downloadIso, packerCacheDir, urlWithChecksum } from './download/download.js';
export type { CacheTargetOptions, DownloadOptions } from './download/download.js';
export { httpDownload } from './download/http-download.js';
export type { HttpDownloadOptions } from './download/http-download.js';
export { isoConfigProperties, prepareIsoConfig } from './download/config.js';
export type { IsoConfig, PreparedIsoConfig } from './download/config.js';
export { startHttpServer } from './http/http-server.js';
export type { HttpDirectoryServer, HttpServerOptions } from './http/http-server.js';
export { fileServerHandler } from './http/file-server.js';
export { reservePort, reservePortInRange } from './http/port-range.js';
export type { PortRangeOptions, PortReservation } from './http/port-range.js';
export { httpConfigProperties, prepareHttpConfig } from './http/config.js';
export type { HttpConfig, PreparedHttpConfig } from './http/config.js';
export { createCdImage, findIsoCommand } from './cd/create-cd.js';
export type { CdImage, CdOptions } from './cd/create-cd.js';
export { cdConfigProperties, prepareCdConfig } from './cd/config.js';
export type { CdConfig } from './cd/config.js';
export { createFloppyImage } from './floppy/create-floppy.js';
export type { FloppyImage, FloppyOptions } from './floppy/create-floppy.js';
export { addFloppyFile, buildFat12Image, floppySubdirectory, newFloppyDirectory } from './floppy/fat12.js';
export type { FloppyDirectory } from './floppy/fat12.js';
export { floppyConfigProperties, prepareFloppyConfig } from './floppy/config.js';
export type { FloppyConfig } from './floppy/config.js';
export { shutdownMachine, waitForShutdown } from './shutdown/shutdown.js';
export type { ShutdownOptions } from './shutdown/shutdown.js';
export { prepareShutdownConfig, shutdownConfigProperties } from './shutdown/config.js';
export type { ShutdownConfig } from './shutdown/config.js';
export { prepareOutputDir, validateOutputDir } from './output/output-dir.js';
export type { OutputDirectory } from './output/output-dir.js';
export { outputConfigProperties, outputDirectoryOf } from './output/config.js';
export type { OutputConfig } from './output/config.js';
export { lockFile, tryLockFile } from './util/file-lock.js';
export type { FileLock } from './util/file-lock.js';
