import type { JsonSchema } from '@kiln/sdk';

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const flag = (description: string): JsonSchema => ({ type: 'boolean', default: false, description });

/**
 * The JSON Schema properties of the winrm_* options (the `communicator` and
 * `pause_before_connecting` keys come with communicator-ssh's fragment).
 */
export const winrmConfigProperties: Readonly<Record<string, JsonSchema>> = {
  winrm_username: text('The user to connect as over WinRM. Required with `communicator: winrm`.'),
  winrm_password: text('The password to connect with.', { 'x-kiln-secret': true }),
  winrm_host: text('The address to connect to; usually set by the builder.'),
  winrm_port: { type: 'integer', description: 'The WinRM port: 5985, or 5986 with `winrm_use_ssl`.' },
  winrm_timeout: text('How long to wait for WinRM to become available.', { 'x-kiln-duration': true, default: '30m' }),
  winrm_use_ssl: flag('Connect over HTTPS.'),
  winrm_insecure: flag('Do not verify the server\'s TLS certificate (with `winrm_use_ssl`).'),
  winrm_use_ntlm: flag('Authenticate with NTLMv2 instead of Basic.'),
  winrm_no_proxy: flag('Connect directly, ignoring HTTP_PROXY / HTTPS_PROXY.'),
};

/** The options as one object schema, for builders that compose with allOf. */
export const winrmConfigSchema: JsonSchema = { type: 'object', properties: winrmConfigProperties };
