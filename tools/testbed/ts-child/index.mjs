import { fileURLToPath } from 'node:url';

/**
 * The node arguments that run a workspace TypeScript file in a child process (for tests that
 * must kill a real process): `spawn(process.execPath, [...tsChildArgs(), file, ...args])`.
 */
export function tsChildArgs() {
  return ['--no-warnings', '--conditions=@kiln/source', '--import', new URL('./register.mjs', import.meta.url).href];
}

export const TS_CHILD_REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));
