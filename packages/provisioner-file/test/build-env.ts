/** The build environment a null build hands its provisioners, for these tests. */
export const env = {
  buildName: 'null',
  builderType: 'null',
  runUuid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  cacheDir: 'packer_cache',
  debug: false,
  force: false,
  onError: 'cleanup' as const,
  userVariables: {},
};
