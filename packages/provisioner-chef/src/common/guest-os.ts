/** The two guest families Packer's chef provisioners know (guest_os_type). */
export type GuestOsType = 'unix' | 'windows';

export const GUEST_OS_TYPES: readonly GuestOsType[] = ['unix', 'windows'];

/** Packer's guestexec words for `Invalid guest_os_type: "x"`, after lowercasing as Packer does. */
export function parseGuestOsType(value: string | undefined): { type?: GuestOsType; error?: string } {
  const lowered = (value ?? '').toLowerCase() || 'unix';
  return (GUEST_OS_TYPES as readonly string[]).includes(lowered)
    ? { type: lowered as GuestOsType }
    : { error: `Invalid guest_os_type: "${lowered}"` };
}

/**
 * The shell lines Packer's guestexec.GuestCommands produces for staging directories. Unix paths
 * are single-quoted and prefixed with sudo unless prevent_sudo; Windows never uses sudo and only
 * escapes spaces with PowerShell's backtick.
 */
export interface GuestCommands {
  createDir(path: string): string;
  chmod(path: string, mode: string): string;
  removeDir(path: string): string;
}

export function guestCommands(type: GuestOsType, sudo: boolean): GuestCommands {
  if (type === 'windows') {
    const escape = (path: string) => path.replaceAll(' ', '` ');
    return {
      createDir: (path) =>
        `powershell.exe -Command "New-Item -ItemType directory -Force -ErrorAction SilentlyContinue -Path ${escape(path)}"`,
      chmod: (path, mode) => `echo 'skipping chmod ${mode} ${escape(path)}'`,
      removeDir: (path) => `powershell.exe -Command "rm ${escape(path)} -recurse -force"`,
    };
  }
  const withSudo = (command: string) => (sudo ? `sudo ${command}` : command);
  return {
    createDir: (path) => withSudo(`mkdir -p '${path}'`),
    chmod: (path, mode) => withSudo(`chmod ${mode} '${path}'`),
    removeDir: (path) => withSudo(`rm -rf '${path}'`),
  };
}

/** Chef's omnitruck installer, the same for chef-solo and chef-client. */
export const DEFAULT_INSTALL_COMMAND: Readonly<Record<GuestOsType, string>> = {
  unix: 'curl -L https://omnitruck.chef.io/install.sh | {{if .Sudo}}sudo {{end}}bash -s --{{if .Version}} -v {{.Version}}{{end}}',
  windows:
    'powershell.exe -Command ". { iwr -useb https://omnitruck.chef.io/install.ps1 } | iex; Install-Project{{if .Version}} -version {{.Version}}{{end}}"',
};
