import type { GoFuncMap } from '../gotemplate/index.js';

/** What a template string is rendered with: Packer's interpolate.Context. */
export interface InterpolationContext {
  readonly userVariables: Readonly<Record<string, string>>;
  /** Captured once per run: timestamp, isotime and strftime all read it (in UTC). */
  readonly initTime: Date;
  /** Absolute path of the template file; undefined (stdin, console without a file) makes template_dir fail. */
  readonly templatePath?: string;
  /** For pwd; default process.cwd(). */
  readonly cwd?: string;
  /** For env; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** True only while rendering user variables: enables env, consul_key, vault, aws_secretsmanager. */
  readonly enableEnv?: boolean;
  readonly buildName?: string;
  readonly buildType?: string;
  /** Undefined in core contexts (console, variables), where packer_version fails as in Packer. */
  readonly packerVersion?: string;
  /** The data of `{{.Field}}`. */
  readonly data?: unknown;
  /**
   * What `{{build "Key"}}` reads: the builder's generated data, or 'placeholder' in the prepare
   * phase (Packer's BasicPlaceholderData), where it re-emits `{{.Key}}` for rendering later.
   */
  readonly buildData?: Readonly<Record<string, unknown>> | 'placeholder';
  /** Extra functions, as Packer's ctx.Funcs (the amazon builders add clean_resource_name). */
  readonly funcs?: GoFuncMap;
}
