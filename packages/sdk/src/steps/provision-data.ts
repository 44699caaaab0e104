import type { BuildEnvironment, GeneratedData } from '../build.js';

/** How provisioners reach the machine, as `{{ build `Host` }}` and friends expose it. */
export interface ConnectionData {
  /** 'ssh' | 'winrm': Packer's ConnType. */
  readonly type: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly sshPublicKey?: string;
  readonly sshPrivateKey?: string;
  readonly sshPrivateKeyFile?: string;
  readonly sshAgentAuth?: boolean;
  readonly winrmPassword?: string;
}

/** What a builder knows when it reaches its provision step. */
export interface ProvisionDataInput {
  /** Builder-specific generated data (amazon's SourceAMI, BuildRegion, ...). */
  readonly generated?: GeneratedData;
  /** Instance id / VM name: `{{ build `ID` }}`. */
  readonly instanceId?: string;
  /** Set when the builder serves http_directory. */
  readonly httpIp?: string;
  readonly httpPort?: number;
  /** Absent with `communicator: none`: the keys then render `<no value>`, as in Packer. */
  readonly connection?: ConnectionData;
}

export const NOT_IMPLEMENTED = {
  ID: 'ERR_ID_NOT_IMPLEMENTED_BY_BUILDER',
  PackerHTTPIP: 'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
  PackerHTTPPort: 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER',
  PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
} as const;

/**
 * The generated data provisioners and post-processors see (Packer's PopulateProvisionHookData):
 * the builder's own keys plus ID, PackerRunUUID, PackerHTTP* and the connection keys, with
 * Packer's ERR_*_NOT_IMPLEMENTED_BY_BUILDER values where the builder has nothing to say.
 */
export function provisionHookData(input: ProvisionDataInput, runUuid: string): GeneratedData {
  const data: Record<string, unknown> = { ...input.generated };
  data['ID'] = input.instanceId ?? NOT_IMPLEMENTED.ID;
  data['PackerRunUUID'] = runUuid;
  data['PackerHTTPIP'] = input.httpIp ?? NOT_IMPLEMENTED.PackerHTTPIP;
  data['PackerHTTPPort'] = input.httpPort === undefined ? NOT_IMPLEMENTED.PackerHTTPPort : String(input.httpPort);
  data['PackerHTTPAddr'] =
    input.httpIp !== undefined && input.httpPort !== undefined
      ? `${input.httpIp}:${input.httpPort}`
      : NOT_IMPLEMENTED.PackerHTTPAddr;
  const connection = input.connection;
  if (connection) {
    data['Host'] = connection.host;
    data['Port'] = connection.port;
    data['User'] = connection.user;
    data['Password'] = connection.password ?? '';
    data['ConnType'] = connection.type;
    data['SSHPublicKey'] = connection.sshPublicKey ?? '';
    data['SSHPrivateKey'] = connection.sshPrivateKey ?? '';
    data['SSHPrivateKeyFile'] = connection.sshPrivateKeyFile ?? '';
    data['SSHAgentAuth'] = connection.sshAgentAuth ?? false;
    data['WinRMPassword'] = connection.winrmPassword ?? '';
  }
  return data;
}

/**
 * The PACKER_* variables a script sees (shell, shell-local, their post-processor): build name and
 * type, and PACKER_HTTP_* when the builder ran an HTTP server. `local` adds PACKER_RUN_UUID, which
 * Packer's local processes inherit from the core process (remote scripts never get it).
 */
export function packerScriptEnv(
  env: Pick<BuildEnvironment, 'buildName' | 'builderType' | 'runUuid'>,
  data: GeneratedData,
  options: { local?: boolean } = {},
): Record<string, string> {
  const vars: Record<string, string> = {
    PACKER_BUILD_NAME: env.buildName,
    PACKER_BUILDER_TYPE: env.builderType,
  };
  const http: readonly [string, keyof typeof NOT_IMPLEMENTED][] = [
    ['PACKER_HTTP_ADDR', 'PackerHTTPAddr'],
    ['PACKER_HTTP_IP', 'PackerHTTPIP'],
    ['PACKER_HTTP_PORT', 'PackerHTTPPort'],
  ];
  for (const [name, key] of http) {
    const value = data[key];
    if (typeof value === 'string' && value !== '' && value !== NOT_IMPLEMENTED[key]) vars[name] = value;
  }
  if (options.local) vars['PACKER_RUN_UUID'] = env.runUuid;
  return vars;
}
