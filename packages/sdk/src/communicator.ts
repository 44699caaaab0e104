import type { Readable, Writable } from 'node:stream';

export interface RemoteCommand {
  readonly command: string;
  readonly stdin?: Readable;
  /** Called once per line of the command's stdout, without the line break. */
  readonly onStdout?: (line: string) => void;
  /** Called once per line of the command's stderr, without the line break. */
  readonly onStderr?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface RemoteCommandResult {
  /** The exit status; Packer's 2300218 when the connection dropped before the command ended. */
  readonly exitStatus: number;
}

/** Packer's ExitStatus when the remote end went away mid-command (e.g. a reboot). */
export const DISCONNECTED_EXIT_STATUS = 2300218;

export interface UploadOptions {
  /** File mode to create the remote file with (default 0o644). */
  readonly mode?: number;
  /** Size in bytes, for progress. */
  readonly size?: number;
  readonly signal?: AbortSignal;
}

/**
 * How provisioners reach a machine. Implementations: ssh (communicator-ssh), and later others;
 * a build without a communicator passes none.
 */
export interface Communicator {
  readonly type: 'ssh' | 'winrm' | 'docker' | 'none' | (string & {});
  exec(command: RemoteCommand): Promise<RemoteCommandResult>;
  upload(remotePath: string, content: Readable, options?: UploadOptions): Promise<void>;
  /**
   * Uploads a directory with Packer's trailing-slash rule: `src/` copies the contents of src into
   * dst, `src` copies the directory itself.
   */
  uploadDir(remoteDir: string, localDir: string, options?: { exclude?: readonly string[]; signal?: AbortSignal }): Promise<void>;
  download(remotePath: string, destination: Writable, options?: { signal?: AbortSignal }): Promise<void>;
  downloadDir(remoteDir: string, localDir: string, options?: { exclude?: readonly string[]; signal?: AbortSignal }): Promise<void>;
  close?(): Promise<void>;
}
