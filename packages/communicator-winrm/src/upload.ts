import { randomUUID } from 'node:crypto';
import type { WinrmClient } from './client.js';
import { powershell, psDoubleQuoted } from './powershell.js';

/** cmd.exe's limit on a command line is 8191 characters; stay under it with room to spare. */
const MAX_COMMAND_LENGTH = 8100;

/**
 * How many bytes go into one `echo <base64> >> "file"` command. Packer's winrmcp sends
 * ((8000 - len(path)) / 4) * 3; this is a little more, always within the limit.
 */
export function chunkBytesFor(partPath: string): number {
  const base64Length = MAX_COMMAND_LENGTH - appendCommand('', partPath).length;
  return Math.floor(base64Length / 4) * 3;
}

/**
 * The space before `>>` is what winrmcp sends and must stay: `echo ...1>>file` would make cmd
 * read the last base64 digit as a stream number. The line cmd writes ends in ` \r\n`, which
 * FromBase64String ignores.
 */
export function appendCommand(base64: string, partPath: string): string {
  return `echo ${base64} >> "${partPath}"`;
}

/**
 * The PowerShell that turns the part files into the destination file: the parts hold the base64
 * chunks round-robin (chunk k in part k mod n, one per line), the destination's directory is
 * created, a directory in the destination's place is an error, the parts are removed whatever
 * happens. The same steps as winrmcp's restore script, over several parts.
 */
export function decodeScript(partPaths: readonly string[], destination: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$parts = @(${partPaths.map(psDoubleQuoted).join(', ')})`,
    'try {',
    `  $dest_file_path = [System.IO.Path]::GetFullPath(${psDoubleQuoted(destination)})`,
    '  if (Test-Path -LiteralPath $dest_file_path -PathType Container) { [Console]::Error.WriteLine("$dest_file_path is a directory"); exit 1 }',
    '  $dest_dir = [System.IO.Path]::GetDirectoryName($dest_file_path)',
    '  if ($dest_dir) { New-Item -ItemType Directory -Force -Path $dest_dir | Out-Null }',
    '  $readers = @($parts | Where-Object { Test-Path -LiteralPath $_ } | ForEach-Object { [System.IO.File]::OpenText([System.IO.Path]::GetFullPath($_)) })',
    '  $writer = [System.IO.File]::Create($dest_file_path)',
    '  try {',
    '    do {',
    '      $more = $false',
    '      foreach ($reader in $readers) {',
    '        $line = $reader.ReadLine()',
    '        if ($line -ne $null) { $more = $true; $bytes = [System.Convert]::FromBase64String($line); $writer.Write($bytes, 0, $bytes.Length) }',
    '      }',
    '    } while ($more)',
    '  } finally {',
    '    $writer.Close()',
    '    foreach ($reader in $readers) { $reader.Close() }',
    '  }',
    '} finally {',
    '  foreach ($part in $parts) { if (Test-Path -LiteralPath $part) { Remove-Item -LiteralPath $part -Force } }',
    '}',
  ].join('\n');
}

/** Packer's Download: the whole file as one base64 line on stdout. */
export function downloadScript(remotePath: string): string {
  return `$file=[System.IO.File]::ReadAllBytes(${psDoubleQuoted(remotePath)}); Write-Output $([System.Convert]::ToBase64String($file))`;
}

/** Slices a stream into chunks of exactly `size` bytes (the last one shorter). */
export async function* fixedChunks(source: AsyncIterable<Buffer | string>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const piece of source) {
    let data = typeof piece === 'string' ? Buffer.from(piece) : piece;
    while (data.length > 0) {
      const take = Math.min(size - pendingLength, data.length);
      pending.push(data.subarray(0, take));
      pendingLength += take;
      data = data.subarray(take);
      if (pendingLength === size) {
        yield Buffer.concat(pending);
        pending = [];
        pendingLength = 0;
      }
    }
  }
  if (pendingLength > 0) yield Buffer.concat(pending);
}

export class UploadError extends Error {}

/**
 * Upload over several shells at once, each on its own connection ("lanes"): Packer's winrmcp
 * runs one echo command at a time and opens a new shell every 15 of them, which is why its
 * uploads are slow (hashicorp/packer#2648). Chunk k goes to lane k mod n, in order within a lane.
 */
export class UploadSession {
  private shells: string[] = [];

  constructor(private readonly lanes: readonly WinrmClient[]) {}

  async open(signal?: AbortSignal): Promise<void> {
    const opened = await Promise.allSettled(this.lanes.map((lane) => lane.createShell(signal)));
    const failed = opened.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(
        opened.map((result, i) => (result.status === 'fulfilled' ? this.lanes[i]!.deleteShellQuietly(result.value) : undefined)),
      );
      throw failed.reason;
    }
    this.shells = opened.map((result) => (result as PromiseFulfilledResult<string>).value);
  }

  async close(): Promise<void> {
    await Promise.all(this.shells.map((shell, i) => this.lanes[i]!.deleteShellQuietly(shell)));
    this.shells = [];
  }

  async uploadFile(
    remotePath: string,
    content: AsyncIterable<Buffer | string>,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
  ): Promise<void> {
    const name = `kiln-upload-${randomUUID()}.tmp`;
    const cmdParts = this.shells.map((_, i) => `%TEMP%\\${name}.${i}`);
    const psParts = this.shells.map((_, i) => `$env:TEMP\\${name}.${i}`);
    const chunkBytes = chunkBytesFor(cmdParts[cmdParts.length - 1]!);
    const chains: Promise<void>[] = this.shells.map(() => Promise.resolve());
    let index = 0;
    try {
      for await (const chunk of fixedChunks(content, chunkBytes)) {
        const lane = index++ % this.shells.length;
        // At most one chunk waits per lane: memory stays bounded and a failure stops the reading.
        await chains[lane];
        const next = this.append(lane, cmdParts[lane]!, chunk, options);
        next.catch(() => undefined);
        chains[lane] = next;
      }
      await Promise.all(chains);
    } catch (error) {
      await Promise.allSettled(chains);
      if (error instanceof UploadError) throw new UploadError(`Error uploading file to $env:TEMP\\${name}: ${error.message}`, { cause: error });
      throw error;
    }
    const stderr: Buffer[] = [];
    const exitCode = await this.lanes[0]!.run(this.shells[0]!, powershell(decodeScript(psParts, remotePath.replaceAll('/', '\\'))), {
      onStderr: (chunk) => stderr.push(chunk),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (exitCode !== 0) {
      throw new UploadError(
        `Error restoring file from $env:TEMP\\${name} to ${remotePath}: restore operation returned code=${exitCode}${detail(stderr)}`,
      );
    }
  }

  private async append(lane: number, partPath: string, chunk: Buffer, options: { signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<void> {
    const stderr: Buffer[] = [];
    const exitCode = await this.lanes[lane]!.run(this.shells[lane]!, appendCommand(chunk.toString('base64'), partPath), {
      onStderr: (data) => stderr.push(data),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (exitCode !== 0) throw new UploadError(`upload operation returned code=${exitCode}${detail(stderr)}`);
    options.onProgress?.(chunk.length);
  }
}

function detail(stderr: readonly Buffer[]): string {
  const text = Buffer.concat(stderr).toString('utf8').trim();
  return text ? `: ${text}` : '';
}
