// The few parts of ssh2 that its public API does not expose: the algorithm lists it supports and
// the protocol helpers certificate authentication needs. ssh2 has no "exports" map, so these paths
// are reachable; the version is pinned exactly in package.json for that reason.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Ssh2Constants {
  readonly SUPPORTED_CIPHER: readonly string[];
  readonly SUPPORTED_KEX: readonly string[];
  readonly DEFAULT_CIPHER: readonly string[];
  readonly DEFAULT_KEX: readonly string[];
}

/** The shape of ssh2's Protocol object that certificate authentication touches. */
export interface Ssh2Protocol {
  authPK(username: string, pubKey: unknown, keyAlgo?: unknown, cbSign?: unknown): void;
  readonly _kex: { readonly sessionID: Buffer };
  readonly _authsQueue: string[];
  readonly _packetRW: { readonly write: { allocStart: number; alloc(size: number): Buffer; finalize(packet: Buffer): Buffer } };
}

interface Ssh2ProtocolUtils {
  sendPacket(proto: Ssh2Protocol, packet: Buffer): boolean;
  convertSignature(signature: Buffer, keyType: string): Buffer | false;
}

export const ssh2Constants = require('ssh2/lib/protocol/constants.js') as Ssh2Constants;
export const ssh2ProtocolUtils = require('ssh2/lib/protocol/utils.js') as Ssh2ProtocolUtils;
