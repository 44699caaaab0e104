// ssh2, required on first use, and the few parts of it that its public API does not expose: the
// algorithm lists it supports and the protocol helpers certificate authentication needs. ssh2 has
// no "exports" map, so these paths are reachable; the version is pinned exactly in package.json
// for that reason. Required lazily because loading ssh2 costs a short command (a `file` build,
// `kiln validate`) a good part of its start-up, and only a connection needs it.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

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

export const ssh2 = (): typeof Ssh2 => require('ssh2') as typeof Ssh2;
export const ssh2Constants = (): Ssh2Constants => require('ssh2/lib/protocol/constants.js') as Ssh2Constants;
export const ssh2ProtocolUtils = (): Ssh2ProtocolUtils => require('ssh2/lib/protocol/utils.js') as Ssh2ProtocolUtils;
