import { readFileSync } from 'node:fs';
import type { Client, ParsedKey } from 'ssh2';
import { fingerprintOf, type LoadedKey } from './keys.js';
import { ssh2ProtocolUtils, type Ssh2Protocol } from './ssh2-internals.js';

/**
 * OpenSSH user certificates (PROTOCOL.certkeys). ssh2 cannot authenticate with one: it names the
 * signature with the public key's algorithm, which for a certificate is the certificate type
 * (`ssh-ed25519-cert-v01@openssh.com`) where the server expects the plain one (`ssh-ed25519`).
 * So a certified key carries the certificate as its public blob, and `enableCertificateAuth`
 * swaps in an authPK that writes the two names apart for such keys (and defers to ssh2 otherwise).
 */

interface CertificateAlgorithms {
  /** The public key algorithm sent in the request. */
  readonly publicKey: string;
  /** The name inside the signature blob. */
  readonly signature: string;
  /** The plain key type, for ssh2's signature encoding. */
  readonly keyType: string;
  readonly hash?: string;
}

const CERT_SUFFIX = '-cert-v01@openssh.com';

/** How each certificate type authenticates; RSA uses SHA-512 since OpenSSH 8.8 refuses SHA-1. */
function algorithmsFor(certType: string): CertificateAlgorithms | undefined {
  const keyType = certType.slice(0, -CERT_SUFFIX.length);
  switch (keyType) {
    case 'ssh-ed25519':
      return { publicKey: certType, signature: keyType, keyType };
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return { publicKey: certType, signature: keyType, keyType };
    case 'ssh-rsa':
      return { publicKey: `rsa-sha2-512${CERT_SUFFIX}`, signature: 'rsa-sha2-512', keyType, hash: 'sha512' };
    default:
      return undefined;
  }
}

/** Number of string/mpint fields of each key type's public part inside a certificate. */
const PUBLIC_FIELDS: Readonly<Record<string, number>> = {
  'ssh-ed25519': 1,
  'ssh-rsa': 2,
  'ssh-dss': 4,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
};

export interface Certificate {
  readonly type: string;
  readonly blob: Buffer;
  /** The certified public key in the ordinary wire format (type + fields). */
  readonly publicKey: Buffer;
  readonly validAfter: bigint;
  readonly validBefore: bigint;
}

class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  string(): Buffer {
    const length = this.buffer.readUInt32BE(this.offset);
    const value = this.buffer.subarray(this.offset + 4, this.offset + 4 + length);
    if (value.length !== length) throw new Error('truncated');
    this.offset += 4 + length;
    return value;
  }
  uint32(): number {
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint64(): bigint {
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Parses an authorized_keys-style certificate line (`<type>-cert-v01@openssh.com <base64> [comment]`). */
export function parseCertificate(text: string): Certificate {
  const [type = '', base64 = ''] = text.trim().split(/\s+/);
  const blob = Buffer.from(base64, 'base64');
  // Go's ParseAuthorizedKey first: anything that is no public key at all is "no key found".
  if (!/^[a-z0-9@.-]+$/.test(type) || blob.length < 4 || blob.readUInt32BE(0) !== Buffer.byteLength(type)) {
    throw new Error('unable to parse public key: ssh: no key found');
  }
  if (!type.endsWith(CERT_SUFFIX)) throw new Error('Error loading certificate');
  try {
    const reader = new Reader(blob);
    if (reader.string().toString() !== type) throw new Error('type mismatch');
    reader.string(); // nonce
    const keyType = type.slice(0, -CERT_SUFFIX.length);
    const fieldCount = PUBLIC_FIELDS[keyType];
    if (fieldCount === undefined) throw new Error(`unsupported certificate type ${type}`);
    const fields: Buffer[] = [];
    for (let i = 0; i < fieldCount; i++) fields.push(reader.string());
    reader.uint64(); // serial
    reader.uint32(); // certificate type (user/host)
    reader.string(); // key id
    reader.string(); // principals
    const validAfter = reader.uint64();
    const validBefore = reader.uint64();
    const publicKey = Buffer.concat([sshString(keyType), ...fields.map(sshString)]);
    return { type, blob, publicKey, validAfter, validBefore };
  } catch (error) {
    throw new Error(`unable to parse public key: ${(error as Error).message}`);
  }
}

/**
 * Packer's ReadCertificate: reads the certificate file, checks its validity period now, and binds
 * it to the private key (which must be the key it certifies).
 */
export function certifyKey(loaded: LoadedKey, certificatePath: string, now = new Date()): LoadedKey {
  let text: string;
  try {
    text = readFileSync(certificatePath, 'utf8');
  } catch (error) {
    throw new Error(`unable to read certificate file: ${(error as Error).message}`);
  }
  const certificate = parseCertificate(text);
  const unixNow = BigInt(Math.floor(now.getTime() / 1000));
  if (unixNow < certificate.validAfter) {
    throw new Error(`${certificatePath} not a valid cert: ssh: cert is not yet valid`);
  }
  if (certificate.validBefore !== 0xffffffffffffffffn && unixNow >= certificate.validBefore) {
    throw new Error(`${certificatePath} not a valid cert: ssh: cert has expired`);
  }
  if (!certificate.publicKey.equals(loaded.key.getPublicSSH())) {
    throw new Error('failed to create cert signer: ssh: signer and cert have different public key');
  }
  const algorithms = algorithmsFor(certificate.type);
  if (!algorithms) throw new Error(`failed to create cert signer: unsupported certificate type ${certificate.type}`);
  return {
    key: certifiedKey(loaded.key, certificate, algorithms),
    source: `${loaded.source} with certificate ${certificatePath}`,
    fingerprint: fingerprintOf(certificate.type, loaded.key.getPublicSSH()) + ' (certificate)',
  };
}

const CERTIFIED = Symbol('kiln certified key');

interface CertifiedKey extends ParsedKey {
  readonly [CERTIFIED]: CertificateAlgorithms;
}

function certifiedKey(key: ParsedKey, certificate: Certificate, algorithms: CertificateAlgorithms): ParsedKey {
  // Inherits ssh2's private symbols (so ssh2 still takes it for a parsed key) and overrides what a
  // certificate changes: the type and public blob sent, and the hash RSA signs with.
  const certified = Object.create(key) as CertifiedKey;
  Object.defineProperties(certified, {
    type: { value: certificate.type },
    [CERTIFIED]: { value: algorithms },
    getPublicSSH: { value: () => certificate.blob },
    sign: { value: (data: Buffer | string) => key.sign(data, algorithms.hash) },
  });
  return certified;
}

function isCertified(key: unknown): key is CertifiedKey {
  return typeof key === 'object' && key !== null && CERTIFIED in key;
}

type SignCallback = (data: Buffer, done: (signature: Buffer) => void) => void;

/**
 * Lets `client` authenticate with certified keys. Call right after `client.connect()` (the
 * protocol object exists from then on, and authentication starts only after the key exchange).
 */
export function enableCertificateAuth(client: Client): void {
  const protocol = (client as unknown as { _protocol?: Ssh2Protocol })._protocol;
  if (!protocol) return;
  const original = protocol.authPK.bind(protocol);
  protocol.authPK = (username: string, pubKey: unknown, keyAlgo?: unknown, cbSign?: unknown) => {
    if (!isCertified(pubKey)) {
      original(username, pubKey, keyAlgo, cbSign);
      return;
    }
    const sign = (typeof keyAlgo === 'function' ? keyAlgo : cbSign) as SignCallback | undefined;
    sendCertificateAuth(protocol, username, pubKey, sign);
  };
}

const USERAUTH_REQUEST = 50;

function sendCertificateAuth(protocol: Ssh2Protocol, username: string, key: CertifiedKey, sign?: SignCallback): void {
  const algorithms = key[CERTIFIED];
  const request = (signed: boolean) =>
    Buffer.concat([
      Buffer.from([USERAUTH_REQUEST]),
      sshString(username),
      sshString('ssh-connection'),
      sshString('publickey'),
      Buffer.from([signed ? 1 : 0]),
      sshString(algorithms.publicKey),
      sshString(key.getPublicSSH()),
    ]);
  const send = (payload: Buffer) => {
    const packet = protocol._packetRW.write.alloc(payload.length);
    payload.copy(packet, protocol._packetRW.write.allocStart);
    protocol._authsQueue.push('publickey');
    ssh2ProtocolUtils().sendPacket(protocol, protocol._packetRW.write.finalize(packet));
  };
  if (!sign) {
    send(request(false));
    return;
  }
  const signed = request(true);
  sign(Buffer.concat([sshString(protocol._kex.sessionID), signed]), (raw) => {
    const signature = ssh2ProtocolUtils().convertSignature(raw, algorithms.keyType);
    if (signature === false) throw new Error('Error while converting handshake signature');
    send(Buffer.concat([signed, sshString(Buffer.concat([sshString(algorithms.signature), sshString(signature)]))]));
  });
}
