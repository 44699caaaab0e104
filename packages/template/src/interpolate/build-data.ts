// The data of Packer's `build` template function. In the prepare phase every key holds a
// placeholder that makes `build` re-emit `{{.Key}}`, to be rendered once the build runs.

/** packerbuilderdata.PlaceholderMsg. */
export const BUILD_PLACEHOLDER_MESSAGE = 'To set this dynamically in the Packer template, you must use the `build` function';

/** The keys every builder provides to provisioners (Packer's BuilderDataCommonKeys). */
export const BUILDER_DATA_COMMON_KEYS: readonly string[] = [
  'ID',
  'Host',
  'Port',
  'User',
  'Password',
  'ConnType',
  'PackerRunUUID',
  'PackerHTTPPort',
  'PackerHTTPIP',
  'PackerHTTPAddr',
  'SSHPublicKey',
  'SSHPrivateKey',
  'WinRMPassword',
];

/**
 * Packer's BasicPlaceholderData, plus any builder-specific generated keys: the prepare-phase data
 * of provisioners and post-processors. `{{.ID}}` renders the placeholder text itself, as in Packer.
 */
export function basicPlaceholderData(extraKeys: readonly string[] = []): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of [...BUILDER_DATA_COMMON_KEYS, ...extraKeys]) {
    data[key] = `Build_${key}. ${BUILD_PLACEHOLDER_MESSAGE}`;
  }
  // Kept for backwards compatibility in Packer: it passes without the `build` function.
  data['WinRMPassword'] = '{{.WinRMPassword}}';
  return data;
}

/** The `build` function over the given data, with Packer's error texts. */
export function readBuildData(
  buildData: Readonly<Record<string, unknown>> | 'placeholder' | undefined,
  key: string,
): string {
  if (buildData === undefined) {
    throw new Error(`Error validating build variable: the given variable ${key} will not be passed into your plugin.`);
  }
  const data = buildData === 'placeholder' ? basicPlaceholderData() : buildData;
  const held = Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
  if (typeof held !== 'string') throw new Error(`loaded data, but couldnt find ${key} in it.`);
  return held.includes(BUILD_PLACEHOLDER_MESSAGE) ? `{{.${key}}}` : held;
}
