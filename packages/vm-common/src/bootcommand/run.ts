import { sleep, throwIfAborted } from '../util/sleep.js';
import type { BootExpression } from './grammar.js';
import type { KeyAction, SpecialKey } from './keys.js';

/** What a transport (VNC keysyms, PC-XT scancodes, ...) implements to type a boot command. */
export interface BootCommandDriver {
  /** Types one character (a Unicode code point); Shift is the driver's business. */
  sendKey(char: string, action: KeyAction): Promise<void>;
  sendSpecial(key: SpecialKey, action: KeyAction): Promise<void>;
  /** Sends whatever the driver buffered; called before every wait and at the end. */
  flush(): Promise<void>;
}

/**
 * Runs an expression sequence against a driver as Packer's expressionSequence.Do: the signal is
 * checked before each expression, a wait flushes the driver first, and the driver is flushed
 * at the end.
 */
export async function runBootCommand(
  expressions: readonly BootExpression[],
  driver: BootCommandDriver,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  for (const expression of expressions) {
    throwIfAborted(options.signal);
    switch (expression.kind) {
      case 'wait':
        await driver.flush();
        await sleep(expression.ms, options.signal);
        break;
      case 'special':
        await driver.sendSpecial(expression.key, expression.action);
        break;
      case 'literal':
        await driver.sendKey(expression.char, expression.action);
        break;
    }
  }
  await driver.flush();
}
