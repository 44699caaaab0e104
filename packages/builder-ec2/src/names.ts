import { randomBytes, randomUUID } from 'node:crypto';
import type { Names } from './context.js';

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Names as Packer makes them: packer_<uuid>, random alphanumerics, an upper-case UUID client token. */
export const randomNames: Names = {
  temporary: () => `packer_${randomUUID()}`,
  alphaNum: (length) => [...randomBytes(length)].map((byte) => ALPHANUM[byte % ALPHANUM.length]).join(''),
  clientToken: () => randomUUID().toUpperCase(),
};
