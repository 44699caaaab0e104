import type { JsonSchema } from '@kiln/sdk';

/** Packer's OutputConfig. */
export interface OutputConfig {
  readonly output_directory?: string;
}

export const outputConfigProperties: Readonly<Record<string, JsonSchema>> = {
  output_directory: { type: 'string', description: 'Where the artifact goes (default output-<build name>); must not exist unless -force.' },
};

/** The output directory with Packer's default `output-<build name>`. */
export function outputDirectoryOf(config: OutputConfig, buildName: string): string {
  return config.output_directory || `output-${buildName}`;
}
