import { randomInt } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Creates a new file `<TMPDIR>/<prefix><random digits>` with mode 0600, as Go's
 * ioutil.TempFile does (`/tmp/packer-shell853568380`), so users recognise the name in messages.
 */
export async function createTempFile(prefix: string): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const path = join(tmpdir(), `${prefix}${randomInt(0, 2 ** 32 - 1)}`);
    try {
      return { path, handle: await open(path, 'wx', 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}
