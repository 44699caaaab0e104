import { awsClients, type AwsAccess, type AwsClients } from '../../src/client.js';
import type { Ec2Api } from '../../src/driver.js';
import type { IamApi } from '../../src/iam.js';
import { TEST_CREDENTIALS } from './inventory.js';

/** Every call of the builder that makes something in EC2 or IAM. */
export const CREATE_CALLS = [
  'createKeyPair',
  'createSecurityGroup',
  'authorizeSecurityGroupIngress',
  'createInstanceProfile',
  'createRole',
  'putRolePolicy',
  'addRoleToInstanceProfile',
  'runInstances',
  'createLaunchTemplate',
  'createFleet',
  'createImage',
  'copyImage',
  'modifyImageAttribute',
  'createTags',
] as const;

export type CreateCall = (typeof CREATE_CALLS)[number];

export interface FaultPlan {
  /** The call succeeds at EC2, then the builder sees this error instead of the answer. */
  readonly failAfter?: string;
  /**
   * The call succeeds at EC2, then never returns, and neither does any call made after it: a
   * process killed at that moment. Calls already on their way still reach EC2, as they would.
   */
  readonly hangAfter?: string;
  /** Called once the planned call went through. */
  readonly onTriggered?: (call: string) => void;
}

/** A client factory for awsClients' place, and a way to wait for what it had sent. */
export type FaultyClients = ((access: AwsAccess) => AwsClients) & {
  /** Resolves once every call sent before the hang has been answered by EC2 (cleanup comes later in real life). */
  sent(): Promise<void>;
  /** From now on no call returns, as in a process killed at this moment; calls on their way still reach EC2. */
  stopDead(): void;
};

/** Real AWS clients (static test credentials) whose planned call misbehaves once it has reached EC2. */
export function faultyClients(plan: FaultPlan): FaultyClients {
  let triggered = false;
  let dead = false;
  const inFlight = new Set<Promise<unknown>>();
  const wrap = <T extends object>(api: T): T =>
    new Proxy(api, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const name = String(property);
        return async (...args: unknown[]) => {
          const never = new Promise<never>(() => undefined);
          if (dead) return never;
          const call = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          inFlight.add(call);
          const answer = await call.then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          inFlight.delete(call);
          // A dead process sees no answer.
          if (dead) return never;
          if ('error' in answer) throw answer.error;
          if (triggered || (name !== plan.failAfter && name !== plan.hangAfter)) return answer.result;
          triggered = true;
          plan.onTriggered?.(name);
          if (name === plan.hangAfter) {
            dead = true;
            return never;
          }
          throw Object.assign(new Error(`injected failure after ${name} reached EC2`), { name: 'InjectedFault' });
        };
      },
    });
  const factory = (access: AwsAccess): AwsClients => {
    const real = awsClients({ ...access, staticCredentials: TEST_CREDENTIALS });
    const apis = new Map<string, Ec2Api>();
    let iam: IamApi | undefined;
    return {
      ...real,
      ec2: (region) => {
        let api = apis.get(region);
        if (!api) apis.set(region, (api = wrap(real.ec2(region))));
        return api;
      },
      iam: () => (iam ??= wrap(real.iam())),
    };
  };
  return Object.assign(factory, {
    async sent() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stopDead() {
      dead = true;
    },
  });
}
