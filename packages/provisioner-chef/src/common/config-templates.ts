/*
 * The Chef configuration files Packer 1.6.6 generates, as Go templates rendered with the
 * provisioner's data. Kept byte for byte (tabs, blank lines left by the {{if}} blocks and all):
 * users' config_template files are written against the same data, and the fixtures under
 * test/fixtures hold what Packer itself wrote.
 */

/** chef-solo's solo.rb; data: SoloConfigData. */
export const DEFAULT_SOLO_RB = [
  '',
  'chef_license \t\t"{{.ChefLicense}}"',
  'cookbook_path \t[{{.CookbookPaths}}]',
  '{{if .HasRolesPath}}',
  'role_path\t\t"{{.RolesPath}}"',
  '{{end}}',
  '{{if .HasDataBagsPath}}',
  'data_bag_path\t"{{.DataBagsPath}}"',
  '{{end}}',
  '{{if .HasEncryptedDataBagSecretPath}}',
  'encrypted_data_bag_secret "{{.EncryptedDataBagSecretPath}}"',
  '{{end}}',
  '{{if .HasEnvironmentsPath}}',
  'environment_path "{{.EnvironmentsPath}}"',
  'environment "{{.ChefEnvironment}}"',
  '{{end}}',
  '',
].join('\n');

/** chef-client's client.rb; data: ClientConfigData. */
export const DEFAULT_CLIENT_RB = [
  '',
  'log_level        :info',
  'log_location     STDOUT',
  'chef_server_url  "{{.ServerUrl}}"',
  'client_key       "{{.ClientKey}}"',
  'chef_license     "{{.ChefLicense}}"',
  '{{if ne .EncryptedDataBagSecretPath ""}}',
  'encrypted_data_bag_secret "{{.EncryptedDataBagSecretPath}}"',
  '{{end}}',
  '{{if ne .ValidationClientName ""}}',
  'validation_client_name "{{.ValidationClientName}}"',
  '{{else}}',
  'validation_client_name "chef-validator"',
  '{{end}}',
  '{{if ne .ValidationKeyPath ""}}',
  'validation_key "{{.ValidationKeyPath}}"',
  '{{end}}',
  'node_name "{{.NodeName}}"',
  '{{if ne .ChefEnvironment ""}}',
  'environment "{{.ChefEnvironment}}"',
  '{{end}}',
  '{{if ne .PolicyGroup ""}}',
  'policy_group "{{.PolicyGroup}}"',
  '{{end}}',
  '{{if ne .PolicyName ""}}',
  'policy_name "{{.PolicyName}}"',
  '{{end}}',
  '{{if ne .SslVerifyMode ""}}',
  'ssl_verify_mode :{{.SslVerifyMode}}',
  '{{end}}',
  '{{if ne .TrustedCertsDir ""}}',
  'trusted_certs_dir "{{.TrustedCertsDir}}"',
  '{{end}}',
  '',
].join('\n');

/** chef-client's knife.rb for the node/client clean-up; data: ClientConfigData (a subset is set). */
export const DEFAULT_KNIFE_RB = [
  '',
  'log_level        :info',
  'log_location     STDOUT',
  'chef_server_url  "{{.ServerUrl}}"',
  'client_key       "{{.ClientKey}}"',
  'node_name "{{.NodeName}}"',
  '{{if ne .SslVerifyMode ""}}',
  'ssl_verify_mode :{{.SslVerifyMode}}',
  '{{end}}',
  '{{if ne .TrustedCertsDir ""}}',
  'trusted_certs_dir "{{.TrustedCertsDir}}"',
  '{{end}}',
  '',
].join('\n');

/** The fields Packer's chef-solo hands solo.rb templates (its ConfigTemplate struct). */
export interface SoloConfigData {
  readonly CookbookPaths: string;
  readonly DataBagsPath: string;
  readonly EncryptedDataBagSecretPath: string;
  readonly RolesPath: string;
  readonly EnvironmentsPath: string;
  readonly ChefEnvironment: string;
  readonly ChefLicense: string;
  readonly HasDataBagsPath: boolean;
  readonly HasEncryptedDataBagSecretPath: boolean;
  readonly HasRolesPath: boolean;
  readonly HasEnvironmentsPath: boolean;
}

/** The fields Packer's chef-client hands client.rb and knife.rb templates. */
export interface ClientConfigData {
  readonly ChefEnvironment: string;
  readonly ChefLicense: string;
  readonly ClientKey: string;
  readonly EncryptedDataBagSecretPath: string;
  readonly NodeName: string;
  readonly PolicyGroup: string;
  readonly PolicyName: string;
  readonly ServerUrl: string;
  readonly SslVerifyMode: string;
  readonly TrustedCertsDir: string;
  readonly ValidationClientName: string;
  readonly ValidationKeyPath: string;
}
