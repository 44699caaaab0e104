import type { Ui } from '@kiln/sdk';
import { createSecretMasker, machineReadableRow } from '@kiln/template/read';
import type { CliIO } from '../io.js';

/**
 * The Ui of one CLI run: Packer's BasicUi (plain lines) or MachineReadableUi (`ts,target,type,data`
 * rows). Everything it prints, machine rows included, first passes the secret masker, so a
 * sensitive value shows as `<sensitive>` (Packer 1.6.6 leaks them in machine-readable output).
 */
export interface CliUi extends Ui {
  readonly machineReadable: boolean;
  /** Packer's ui.Machine: one row in machine-readable mode; nothing in human mode. */
  machine(type: string, data: readonly string[], target?: string): void;
  /** Values to mask from now on (rendered sensitive variables, secrets of plugin configs). */
  addSecrets(values: Iterable<string>): void;
  /** The masker itself, for text that reaches the user by another way (logs). */
  mask(text: string): string;
}

export interface CliUiOptions {
  readonly io: CliIO;
  readonly machineReadable: boolean;
  readonly masker?: SecretMasker;
}

/** What the Ui needs of @kiln/template's secret masker. */
export interface SecretMasker {
  add(secret: string): void;
  mask(text: string): string;
}

export function createCliUi({ io, machineReadable, masker = createMasker() }: CliUiOptions): CliUi {
  const write = (text: string): void => void io.stdout.write(text);
  const now = (): number => Math.floor((io.now?.() ?? new Date()).getTime() / 1000);
  const row = (type: string, data: readonly string[], target = ''): void =>
    write(`${now()},${machineReadableRow(target, type, data.map((item) => masker.mask(item)))}\n`);
  const line = (kind: 'say' | 'message' | 'error', text: string): void => {
    if (machineReadable) row('ui', [kind, text]);
    else write(`${masker.mask(text)}\n`);
  };
  return {
    machineReadable,
    say: (text) => line('say', text),
    message: (text) => line('message', text),
    error: (text) => line('error', text),
    machine(type, data, target) {
      if (machineReadable) row(type, data, target);
    },
    addSecrets(values) {
      for (const value of values) masker.add(value);
    },
    mask: (text) => masker.mask(text),
    async ask(question) {
      if (machineReadable) throw new Error('machine-readable UI cannot ask questions');
      if (question !== '') write(`${masker.mask(question)} `);
      return readLine(io.stdin);
    },
  };
}

/** A masker whose secrets can grow, over @kiln/template's createSecretMasker. */
function createMasker(): SecretMasker {
  const secrets: string[] = [];
  let mask = createSecretMasker(secrets);
  return {
    add(secret) {
      secrets.push(secret);
      mask = createSecretMasker(secrets);
    },
    mask: (text) => mask(text),
  };
}

/** One line from stdin (Packer's Ask reads a line), without its line break. */
function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      stdin.pause();
      done();
      stdin.unshift?.(Buffer.from(buffered.slice(end + 1)));
      resolve(buffered.slice(0, end).replace(/\r$/, ''));
    };
    const onEnd = (): void => {
      done();
      resolve(buffered);
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const done = (): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}
