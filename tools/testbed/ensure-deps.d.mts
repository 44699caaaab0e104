export interface Requirement {
  readonly manager: string;
  readonly package: string;
  /** Absolute paths, or command names looked up on PATH. */
  readonly provides: readonly string[];
  readonly for?: string;
}

export function isProvided(what: string, pathList?: string): boolean;
export function missingRequirements(
  requirements: readonly Requirement[],
  provided?: (what: string) => boolean,
): Record<string, Requirement[]>;
