import type { JsonSchema } from '@kiln/sdk';

/** Packer's HTTPConfig options. */
export interface HttpConfig {
  readonly http_directory?: string;
  readonly http_port_min?: number;
  readonly http_port_max?: number;
  readonly http_bind_address?: string;
}

export const httpConfigProperties: Readonly<Record<string, JsonSchema>> = {
  http_directory: { type: 'string', description: 'Directory served over HTTP to the machine while it boots ({{ .HTTPIP }}:{{ .HTTPPort }}).' },
  http_port_min: { type: 'integer', default: 8000, description: 'Lowest port for the HTTP server.' },
  http_port_max: { type: 'integer', default: 9000, description: 'Highest port for the HTTP server (exclusive).' },
  http_bind_address: { type: 'string', default: '0.0.0.0', description: 'Address the HTTP server binds.' },
};

export interface PreparedHttpConfig {
  readonly directory: string | undefined;
  readonly portMin: number;
  readonly portMax: number;
  readonly bindAddress: string;
  readonly errors: string[];
}

/** Packer's HTTPConfig.Prepare: ports default to 8000-9000 (0 counts as unset), min must not exceed max. */
export function prepareHttpConfig(config: HttpConfig): PreparedHttpConfig {
  const portMin = config.http_port_min || 8000;
  const portMax = config.http_port_max || 9000;
  const errors = portMin > portMax ? ['http_port_min must be less than http_port_max'] : [];
  return { directory: config.http_directory || undefined, portMin, portMax, bindAddress: config.http_bind_address || '0.0.0.0', errors };
}
