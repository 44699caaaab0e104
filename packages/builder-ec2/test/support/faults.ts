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
  /** The call succeeds at EC2, then never returns (a process killed at that moment). */
  readonly hangAfter?: string;
  /** Called once the planned call went through. */
  readonly onTriggered?: (call: string) => void;
}

/** Real AWS clients (static test credentials) whose planned call misbehaves once it has reached EC2. */
export function faultyClients(plan: FaultPlan): (access: AwsAccess) => AwsClients {
  let triggered = false;
  const wrap = <T extends object>(api: T): T =>
    new Proxy(api, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function' || triggered) return value;
        const name = String(property);
        if (name !== plan.failAfter && name !== plan.hangAfter) return value;
        return async (...args: unknown[]) => {
          const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
          if (triggered) return result;
          triggered = true;
          plan.onTriggered?.(name);
          if (name === plan.hangAfter) return new Promise(() => undefined);
          throw Object.assign(new Error(`injected failure after ${name} reached EC2`), { name: 'InjectedFault' });
        };
      },
    });
  return (access) => {
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
}
