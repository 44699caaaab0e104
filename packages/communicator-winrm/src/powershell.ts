/**
 * A PowerShell script as a cmd command line, as masterzen/winrm's Powershell() wraps it: progress
 * bars off (they would arrive as CLIXML on stderr), UTF-16LE, base64, `-EncodedCommand`.
 */
export function powershell(script: string): string {
  const encoded = Buffer.from(`$ProgressPreference = 'SilentlyContinue';${script}`, 'utf16le').toString('base64');
  return `powershell.exe -EncodedCommand ${encoded}`;
}

/** Text inside a PowerShell double-quoted string: `"` doubled; `$` left alone, as Packer does (paths like `$env:TEMP\x`). */
export function psDoubleQuoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
