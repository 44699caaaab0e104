import type { AuthHandlerMiddleware, AuthenticationType, KeyboardInteractiveCallback, NextAuthHandler } from 'ssh2';
import type { LoadedKey } from './keys.js';

/** Answers keyboard-interactive prompts; Packer answers every prompt with ssh_password. */
export type PromptAnswerer = (prompts: readonly { prompt: string; echo: boolean }[], instructions: string) => Promise<string[]>;

/** One way of authenticating, in the order Packer offers them: agent, keys, password. */
export type AuthMethod =
  | { readonly kind: 'agent'; readonly socket: string }
  | { readonly kind: 'publickey'; readonly key: LoadedKey }
  | { readonly kind: 'password'; readonly password: string }
  | { readonly kind: 'keyboard-interactive'; readonly answer: PromptAnswerer };

export function describeMethod(method: AuthMethod): string {
  switch (method.kind) {
    case 'agent':
      return `agent (${method.socket})`;
    case 'publickey':
      return `publickey ${method.key.source} (${method.key.fingerprint})`;
    case 'password':
      return 'password';
    case 'keyboard-interactive':
      return 'keyboard-interactive';
  }
}

function protocolName(method: AuthMethod): AuthenticationType {
  return method.kind === 'agent' ? 'publickey' : method.kind;
}

/** What became of each method in the last connection that reached authentication. */
export interface AuthOutcome {
  readonly method: string;
  readonly result: string;
}

/**
 * Drives ssh2 through `methods` and records what became of each, so that a failure can say which
 * method was refused and which the server never allowed. Starts with `none`, as Go's client and
 * OpenSSH do, to learn the methods the server accepts.
 */
export class AuthTracker {
  private outcomes: AuthOutcome[] = [];
  /** Names sent, Go style: `[none publickey password]`. */
  readonly attempted: string[] = [];
  private serverMethods: readonly string[] | undefined;
  private current: AuthMethod | undefined;
  private next = 0;

  constructor(
    private readonly username: string,
    private readonly methods: readonly AuthMethod[],
  ) {}

  /** The ssh2 `authHandler`. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partialSuccess, callback) => {
    const done = callback as NextAuthHandler;
    if (this.current) this.record(this.current, 'rejected by the server');
    this.current = undefined;
    if (methodsLeft === null || methodsLeft === undefined) {
      this.attempted.push('none');
      done({ type: 'none', username: this.username });
      return;
    }
    this.serverMethods = methodsLeft;
    while (this.next < this.methods.length) {
      const method = this.methods[this.next++]!;
      if (!methodsLeft.includes(protocolName(method))) {
        this.record(method, `not accepted by the server (it accepts: ${methodsLeft.join(', ') || 'nothing'})`);
        continue;
      }
      this.current = method;
      if (!this.attempted.includes(protocolName(method))) this.attempted.push(protocolName(method));
      done(this.toSsh2(method));
      return;
    }
    done(false as unknown as AuthenticationType);
  };

  /** Per method: rejected, not allowed, or never reached (when the connection failed earlier). */
  outcomesSoFar(): AuthOutcome[] {
    return this.methods.map(
      (method) =>
        this.outcomes.find((outcome) => outcome.method === describeMethod(method)) ?? {
          method: describeMethod(method),
          result: this.current === method ? 'no answer from the server' : 'not tried',
        },
    );
  }

  /** Whether the server offered none of our methods (so retrying cannot help). */
  get serverAccepts(): readonly string[] | undefined {
    return this.serverMethods;
  }

  /** Go's wording: `attempted methods [none publickey], no supported methods remain`. */
  goSummary(): string {
    return `ssh: unable to authenticate, attempted methods [${this.attempted.join(' ')}], no supported methods remain`;
  }

  private record(method: AuthMethod, result: string): void {
    this.outcomes = this.outcomes.filter((outcome) => outcome.method !== describeMethod(method));
    this.outcomes.push({ method: describeMethod(method), result });
  }

  private toSsh2(method: AuthMethod) {
    const username = this.username;
    switch (method.kind) {
      case 'agent':
        return { type: 'agent' as const, username, agent: method.socket };
      case 'publickey':
        return { type: 'publickey' as const, username, key: method.key.key };
      case 'password':
        return { type: 'password' as const, username, password: method.password };
      case 'keyboard-interactive': {
        const prompt = (
          _name: string,
          instructions: string,
          _lang: string,
          prompts: { prompt: string; echo: boolean }[],
          finish: KeyboardInteractiveCallback,
        ) => {
          method.answer(prompts, instructions).then(finish, () => finish([]));
        };
        return { type: 'keyboard-interactive' as const, username, prompt };
      }
    }
  }
}

/** Packer's PasswordKeyboardInteractive: every question gets the password. */
export function answerWithPassword(password: string): PromptAnswerer {
  return (prompts) => Promise.resolve(prompts.map(() => password));
}
