import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A pretend Windows machine for the fake WinRM listener: drive letters map to directories under
 * a local root (`C:\x` -> `<root>/C/x`), and a few cmd.exe and PowerShell forms run against it:
 * the ones Kiln's WinRM communicator sends (`echo <base64> >> "file"`, its decode script, the
 * download script, the "WinRM connected." check) and plain test commands (`echo`, `type`,
 * `exit /b N`, `cmd & cmd`, and in PowerShell `Write-Output`, `[Console]::Error.WriteLine`,
 * `Start-Sleep -Milliseconds`, `exit`). Anything else fails as cmd.exe would say.
 */
export class FakeWindows {
  readonly temp: string;
  readonly home: string;

  constructor(
    readonly root: string,
    readonly username: string,
  ) {
    this.home = `C:\\Users\\${username}`;
    this.temp = `${this.home}\\AppData\\Local\\Temp`;
  }

  /** The local path standing for a Windows path (`%TEMP%` and `$env:TEMP` expanded, relative to the home). */
  localPath(windowsPath: string): string {
    let path = windowsPath
      .trim()
      .replace(/^'(.*)'$/, '$1')
      .replace(/%TEMP%|\$env:TEMP/gi, this.temp)
      .replaceAll('/', '\\');
    if (!/^[A-Za-z]:/.test(path)) path = `${this.home}\\${path}`;
    const drive = path[0]!.toUpperCase();
    const parts = path.slice(2).split('\\').filter((part) => part !== '' && part !== '.');
    const resolved: string[] = [];
    for (const part of parts) {
      if (part === '..') resolved.pop();
      else resolved.push(part);
    }
    return join(this.root, drive, ...resolved);
  }

  async prepare(): Promise<void> {
    await mkdir(this.localPath(this.temp), { recursive: true });
  }
}

export interface CommandOutput {
  write(stream: 'stdout' | 'stderr', text: string | Buffer): void;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs one command line as `cmd.exe /c` would; resolves with its exit code. */
export async function runCmd(machine: FakeWindows, commandLine: string, out: CommandOutput, signal: AbortSignal): Promise<number> {
  let code = 0;
  try {
    for (const part of splitOutsideQuotes(commandLine, ' & ')) {
      if (signal.aborted) return 1;
      code = await runCmdPart(machine, part.trim(), out, signal);
    }
  } catch (error) {
    if (error instanceof Exit) return error.code;
    out.write('stderr', `${(error as Error).message}\r\n`);
    return 1;
  }
  return code;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

async function runCmdPart(machine: FakeWindows, part: string, out: CommandOutput, signal: AbortSignal): Promise<number> {
  let match: RegExpExecArray | null;
  if ((match = /^echo (.*)>>\s*"([^"]+)"$/is.exec(part))) {
    // cmd writes everything between `echo ` and `>>`, the space before `>>` included.
    const file = machine.localPath(match[2]!);
    await mkdir(dirname(file), { recursive: true }).catch(() => undefined);
    try {
      await appendFile(file, `${match[1]}\r\n`);
    } catch {
      out.write('stderr', 'The system cannot find the path specified.\r\n');
      return 1;
    }
    return 0;
  }
  if ((match = /^echo (.*?)\s*1>&2$/is.exec(part))) {
    out.write('stderr', `${match[1]}\r\n`);
    return 0;
  }
  if ((match = /^echo (.*)$/is.exec(part))) {
    out.write('stdout', `${match[1]}\r\n`);
    return 0;
  }
  if ((match = /^exit(?: \/b)?\s+(-?\d+)$/i.exec(part))) throw new Exit(Number(match[1]));
  if ((match = /^type\s+"?([^"]+)"?$/i.exec(part))) {
    try {
      out.write('stdout', await readFile(machine.localPath(match[1]!)));
      return 0;
    } catch {
      out.write('stderr', 'The system cannot find the file specified.\r\n');
      return 1;
    }
  }
  if ((match = /^powershell(?:\.exe)? -EncodedCommand ([A-Za-z0-9+/=]+)$/i.exec(part))) {
    return runPowerShell(machine, Buffer.from(match[1]!, 'base64').toString('utf16le'), out, signal);
  }
  const verb = part.split(/\s+/)[0] ?? part;
  out.write('stderr', `'${verb}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`);
  return 1;
}

const psString = (text: string) => text.replaceAll('""', '"');

async function runPowerShell(machine: FakeWindows, script: string, out: CommandOutput, signal: AbortSignal): Promise<number> {
  const body = script.replace(/^\$ProgressPreference = 'SilentlyContinue';/, '');
  if (body.includes('echo "WinRM connected."')) {
    out.write('stdout', 'WinRM connected.\r\n');
    return 0;
  }
  const parts = /^\$parts = @\((.*)\)$/m.exec(body);
  const destination = /^\s*\$dest_file_path = \[System\.IO\.Path\]::GetFullPath\("((?:[^"]|"")*)"\)$/m.exec(body);
  if (parts && destination) {
    const partPaths = [...parts[1]!.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => psString(m[1]!));
    return decodeParts(machine, partPaths, psString(destination[1]!), out);
  }
  const download = /\[System\.IO\.File\]::ReadAllBytes\("((?:[^"]|"")*)"\).*ToBase64String/s.exec(body);
  if (download) {
    const path = psString(download[1]!);
    try {
      out.write('stdout', `${(await readFile(machine.localPath(path))).toString('base64')}\r\n`);
      return 0;
    } catch {
      out.write('stderr', `Exception calling "ReadAllBytes" with "1" argument(s): "Could not find file '${path}'."\r\n`);
      return 1;
    }
  }
  for (const statement of body.split(/;|\n/).map((s) => s.trim()).filter(Boolean)) {
    let match: RegExpExecArray | null;
    if (signal.aborted) return 1;
    if ((match = /^Start-Sleep -Milliseconds (\d+)$/i.exec(statement))) await sleep(Number(match[1]), undefined, { signal }).catch(() => undefined);
    else if ((match = /^Write-Output (["'])(.*)\1$/i.exec(statement))) out.write('stdout', `${match[2]}\r\n`);
    else if ((match = /^\[Console\]::Error\.WriteLine\((["'])(.*)\1\)$/i.exec(statement))) out.write('stderr', `${match[2]}\r\n`);
    else if ((match = /^exit (-?\d+)$/i.exec(statement))) return Number(match[1]);
    else {
      out.write('stderr', `The term '${statement.split(/\s+/)[0]}' is not recognized as the name of a cmdlet, function, script file, or operable program.\r\n`);
      return 1;
    }
  }
  return 0;
}

/** Kiln's decode script: part files round-robin, one base64 line per chunk, into the destination; the parts go in any case. */
async function decodeParts(machine: FakeWindows, partPaths: readonly string[], destination: string, out: CommandOutput): Promise<number> {
  try {
    return await decodeInto(machine, partPaths, destination, out);
  } finally {
    for (const part of partPaths) await rm(machine.localPath(part), { force: true });
  }
}

async function decodeInto(machine: FakeWindows, partPaths: readonly string[], destination: string, out: CommandOutput): Promise<number> {
  const target = machine.localPath(destination);
  if ((await stat(target).catch(() => undefined))?.isDirectory()) {
    out.write('stderr', `${destination} is a directory\r\n`);
    return 1;
  }
  const parts: string[][] = [];
  for (const part of partPaths) {
    const text = await readFile(machine.localPath(part), 'latin1').catch(() => undefined);
    if (text !== undefined) parts.push(text.split('\r\n').slice(0, -1));
  }
  const chunks: Buffer[] = [];
  for (let line = 0; parts.some((lines) => line < lines.length); line++) {
    for (const lines of parts) {
      const base64 = lines[line]?.replace(/\s+/g, '');
      if (base64 === undefined) continue;
      if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
        out.write('stderr', 'Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 string"\r\n');
        return 1;
      }
      chunks.push(Buffer.from(base64, 'base64'));
    }
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, Buffer.concat(chunks));
  return 0;
}
