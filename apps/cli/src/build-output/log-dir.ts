import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { rfc3339Local } from './timestamp.js';

/**
 * `-log-dir DIR` (beyond Packer): one complete, uncolored log per build, `DIR/<build>.log`, holding
 * everything that build printed and its debug log lines, each with a timestamp. Lines are appended
 * as they happen, so a killed run still leaves its logs.
 */
export class BuildLogDir {
  private readonly files = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly now: () => Date,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  write(build: string, text: string): void {
    const stamp = rfc3339Local(this.now());
    const lines = text.split('\n').map((line) => `${stamp} ${line}`.trimEnd());
    appendFileSync(this.fileOf(build), `${lines.join('\n')}\n`);
  }

  private fileOf(build: string): string {
    let file = this.files.get(build);
    if (!file) {
      // A build name may hold any character; the file name keeps the safe ones, and stays unique.
      const base = build.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
      const taken = new Set(this.files.values());
      file = path.join(this.dir, `${base}.log`);
      for (let n = 2; taken.has(file); n++) file = path.join(this.dir, `${base}-${n}.log`);
      this.files.set(build, file);
    }
    return file;
  }
}
