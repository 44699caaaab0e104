import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isLedgerFileName, LEDGER_DIR, parseLedgerFile, type LedgerFileContent } from './ledger-file.js';
import { ownerState, type OwnerState } from './process-identity.js';

export interface LedgerOnDisk {
  readonly file: string;
  readonly content: LedgerFileContent;
  /** Whether the run that wrote it still runs: only the ledgers of dead runs may be cleaned up. */
  readonly owner: OwnerState;
}

/** Every ledger under `<cacheDir>/kiln-ledger/` (journals and version-1 files), oldest first; unreadable files are reported, not thrown. */
export async function listLedgers(cacheDir: string): Promise<{ ledgers: LedgerOnDisk[]; unreadable: { file: string; error: string }[] }> {
  const dir = path.join(cacheDir, LEDGER_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ledgers: [], unreadable: [] };
    throw error;
  }
  const ledgers: LedgerOnDisk[] = [];
  const unreadable: { file: string; error: string }[] = [];
  for (const name of names.filter(isLedgerFileName).sort()) {
    const file = path.join(dir, name);
    try {
      const content = parseLedgerFile(await readFile(file, 'utf8'), file);
      ledgers.push({ file, content, owner: ownerState(content.owner) });
    } catch (error) {
      // A file that vanished meanwhile was cleaned up by its run; anything else is worth a word.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push({ file, error: (error as Error).message });
    }
  }
  ledgers.sort((a, b) => a.content.startedAt.localeCompare(b.content.startedAt));
  return { ledgers, unreadable };
}
