import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { formatSystemError } from '@kiln/sdk';
import type { ParsedKey } from 'ssh2';
import { ssh2 } from './ssh2-internals.js';

/**
 * Packer's ExpandUser: a leading `~` is the current user's home directory, `~name` that user's
 * (from /etc/passwd; `user: unknown user name` otherwise, as Go's os/user says).
 */
export function expandUser(path: string, home: string = homedir(), passwd = readPasswd): string {
  if (!path.startsWith('~')) return path;
  const slash = path.search(/[\\/]/);
  const name = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const rest = slash < 0 ? '' : path.slice(slash);
  if (name === '') return home + rest;
  const entry = passwd()
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === name);
  if (!entry || entry[5] === undefined) throw new Error(`user: unknown user ${name}`);
  return entry[5] + rest;
}

function readPasswd(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}

/** A private key ready for publickey authentication, with what diagnostics need to name it. */
export interface LoadedKey {
  readonly key: ParsedKey;
  /** Where it came from: a file path, or a builder's description of an in-memory key. */
  readonly source: string;
  /** `ED25519 SHA256:...`, as ssh-keygen -l names a key. */
  readonly fingerprint: string;
}

/**
 * Reads and parses a private key file. Errors read as Packer's FileSigner's (`Error setting up SSH
 * config: ...`); an encrypted key is refused with its own message because Packer, and so Kiln,
 * cannot ask for a passphrase.
 */
export function loadPrivateKeyFile(path: string): LoadedKey {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new Error(`Error setting up SSH config: ${formatSystemError(error)}`);
  }
  return parsePrivateKey(data, path);
}

/** Parses private key text (a file's content, or a key a builder generated). */
export function parsePrivateKey(data: Buffer | string, source: string): LoadedKey {
  const text = data.toString();
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw new Error(`Error setting up SSH config: Failed to read key '${source}': no key found`);
  }
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new Error(
      `Error setting up SSH config: Failed to read key '${source}': password protected keys are\n` +
        'not supported. Please decrypt the key prior to use.',
    );
  }
  const parsed = ssh2().utils.parseKey(data);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | Error | undefined) : parsed;
  if (key === undefined || key instanceof Error) {
    const reason = key instanceof Error ? key.message : 'no key found';
    if (/encrypted|passphrase/i.test(reason) || text.includes('BEGIN ENCRYPTED PRIVATE KEY')) {
      throw new Error('Error setting up SSH config: ssh: this private key is passphrase protected');
    }
    throw new Error(`Error setting up SSH config: ssh: ${reason}`);
  }
  if (!key.isPrivateKey()) {
    throw new Error(`Error setting up SSH config: Failed to read key '${source}': no key found`);
  }
  return { key, source, fingerprint: fingerprintOf(key.type, key.getPublicSSH()) };
}

/** `ED25519 SHA256:<base64>`, the way ssh-keygen -l prints a key. */
export function fingerprintOf(type: string, publicBlob: Buffer): string {
  const digest = createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '');
  return `${keyTypeLabel(type)} SHA256:${digest}`;
}

function keyTypeLabel(type: string): string {
  if (type.includes('ed25519')) return 'ED25519';
  if (type.includes('ecdsa')) return 'ECDSA';
  if (type.includes('rsa')) return 'RSA';
  if (type.includes('dss')) return 'DSA';
  return type;
}

/** Checks a key path at prepare time the way Packer does: `stat <path>: no such file or directory`. */
export function statKeyFile(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (error) {
    return formatSystemError(error);
  }
}
