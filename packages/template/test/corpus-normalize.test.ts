import { describe, expect, it } from 'vitest';
import { normalizeOutput } from './corpus/normalize.js';
import type { OutputKind } from './corpus/normalize.js';

// [kind, raw output, what shared/corpus/normalize.py makes of it with root /tmp/pkr-corpus-run]:
// the TypeScript port must agree with the normalizer the expected outputs went through.
const NORMALIZE_PY: readonly (readonly [OutputKind, string, string])[] = [
  ["validate", "Error: x\n\n2 errors occurred:\n\t* required variable not set: zeta\n\t* required variable not set: alpha\n\nBad script '/tmp/pkr-corpus-run/a/b.sh'\nlookup vagrantcloud.com on 10.0.0.1:53: no such host\nGet x: dial tcp: lookup\nexample.com on [::1]:53:\ndial udp [::1]:53: connect: network is unreachable\n", "Error: x\n\n2 errors occurred:\n\t* required variable not set: alpha\n\t* required variable not set: zeta\n\nBad script '<ROOT>/a/b.sh'\nlookup vagrantcloud.com: <dns-error>\nGet x: dial tcp: lookup\nexample.com:\n<dns-error>\n"],
  ["inspect", "Packer Inspect: JSON mode\nRequired variables:\n\n  zz\n  aa\n  mm\n\nOptional variables and their defaults:\n", "Packer Inspect: JSON mode\nRequired variables:\n\n  aa\n  mm\n  zz\n\nOptional variables and their defaults:\n"],
  ["inspect-mr", "1608123456,,ui,say,Packer Inspect: JSON mode\n1608123456,,ui,say,Required variables:\\n\n1608123456,,template-variable,zz,,1\n1608123456,,ui,say,  zz\n1608123456,,template-variable,aa,,1\n1608123456,,ui,say,  aa\n1608123456,,ui,say,\n", ",ui,say,Packer Inspect: JSON mode\n,ui,say,Required variables:\\n\n,template-variable,aa,,1\n,ui,say,  aa\n,template-variable,zz,,1\n,ui,say,  zz\n,ui,say,\n"],
  ["syntax", "unchanged /tmp/pkr-corpus-run/x lookup h: i/o timeout\n", "unchanged <ROOT>/x lookup h: <dns-error>\n"],
];

describe('corpus normalizer port', () => {
  it.each(NORMALIZE_PY)('%s', (kind, raw, normalized) => {
    expect(normalizeOutput(kind, raw, '/tmp/pkr-corpus-run')).toBe(normalized);
  });
});
