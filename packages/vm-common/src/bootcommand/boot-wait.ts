import { formatGoDuration, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { sleep } from '../util/sleep.js';

/**
 * Packer's boot_wait before typing: `Waiting 10s for boot...` then the wait; nothing when the
 * value is zero or negative (`-1s` is how a user asks for no wait, as 0 means the default).
 */
export async function waitForBoot(options: { readonly bootWaitMs: number; readonly ui?: Ui; readonly signal?: AbortSignal }): Promise<void> {
  if (options.bootWaitMs <= 0) return;
  (options.ui ?? silentUi).say(`Waiting ${formatGoDuration(options.bootWaitMs)} for boot...`);
  await sleep(options.bootWaitMs, options.signal);
}
