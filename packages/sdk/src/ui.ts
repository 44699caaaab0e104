/**
 * What a plugin may tell the user. The host decides the shape: Packer's `==> name: ` lines, colors,
 * timestamps or machine-readable rows. Plugins never write to stdout themselves.
 */
export interface Ui {
  /** A headline: `==> name: text`. */
  say(message: string): void;
  /** Detail, e.g. a remote command's stdout: `    name: text`. */
  message(message: string): void;
  /** An error or a remote command's stderr: `==> name: text` in red. */
  error(message: string): void;
  /** Asks the user; rejects where nobody can answer (machine-readable, no terminal). */
  ask(question: string): Promise<string>;
  /** Progress of a long transfer; hosts without a terminal may ignore it. */
  progress?(label: string, done: number, total: number | undefined): void;
}

/** A Ui that drops everything: for library callers that only want the result. */
export const silentUi: Ui = {
  say: () => undefined,
  message: () => undefined,
  error: () => undefined,
  ask: () => Promise.reject(new Error('no user to ask: this Ui is silent')),
};
