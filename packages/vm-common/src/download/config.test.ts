import { describe, expect, it } from 'vitest';
import { prepareIsoConfig } from './config.js';

// Expected messages are what `packer validate` (1.6.6) printed for the same iso_* values.
describe('prepareIsoConfig', () => {
  it.each([
    [{ iso_url: 'x.iso', iso_checksum: 'abc' }, ['invalid checksum: encoding/hex: odd length hex string in "abc"']],
    [{ iso_url: 'x.iso', iso_checksum: 'md5:zz' }, ["invalid checksum: encoding/hex: invalid byte: U+007A 'z' in \"md5:zz\""]],
    [
      { iso_url: 'x.iso', iso_checksum: 'sha256:0123.iso' },
      ["invalid checksum: encoding/hex: invalid byte: U+002E '.' in \"sha256:0123.iso\"", 'Error parsing checksum: .iso is not a valid checksum ending'],
    ],
    [{ iso_url: 'x.iso', iso_checksum: '' }, ['A checksum must be specified']],
    [{ iso_url: 'x.iso', iso_checksum: 'crc32:abcd' }, ['unsupported checksum type: crc32 in "crc32:abcd"']],
    [{ iso_url: 'x.iso', iso_checksum: '0123456789abcdef0123456789abcdef' }, []],
    [{ iso_url: 'x.iso', iso_checksum: `SHA256:${'a'.repeat(64)}` }, []],
    [{ iso_url: 'x.iso', iso_checksum: 'abcd' }, ['Unknown type for checksum abcd in "abcd"']],
    [{ iso_url: 'x.iso', iso_checksum: 'file:./SHA256SUMS' }, []],
    [{ iso_url: 'x.iso', iso_urls: ['y.iso'], iso_checksum: 'none' }, ['Only one of iso_url or iso_urls must be specified']],
    [{ iso_checksum: 'none' }, ['One of iso_url or iso_urls must be specified']],
  ])('%j', (config, errors) => {
    expect(prepareIsoConfig(config).errors).toEqual(errors);
  });

  it("warns about 'none' and normalises the rest", () => {
    const prepared = prepareIsoConfig({ iso_urls: ['a.iso', 'b.iso'], iso_checksum: 'none', iso_target_extension: 'IMG' });
    expect(prepared.warnings).toEqual(["A checksum of 'none' was specified. Since ISO files are so big,\na checksum is highly recommended."]);
    expect(prepared).toMatchObject({ urls: ['a.iso', 'b.iso'], checksum: 'none', targetExtension: 'img', errors: [] });
  });
});
