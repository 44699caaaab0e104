import { createRequire } from 'node:module';
import type * as IamSdk from '@aws-sdk/client-iam';
import type { AwsSender } from './driver.js';

const requireHere = createRequire(import.meta.url);
let iamModule: typeof IamSdk | undefined;

/** @aws-sdk/client-iam, required on first use: only builds with IAM work load it. */
export function iamSdk(): typeof IamSdk {
  return (iamModule ??= requireHere('@aws-sdk/client-iam') as typeof IamSdk);
}

/** The IAM calls of a temporary instance profile (temporary_iam_instance_profile_policy_document). */
export interface IamApi {
  getInstanceProfile(name: string): Promise<void>;
  getRole(name: string): Promise<void>;
  createInstanceProfile(name: string): Promise<void>;
  createRole(name: string, assumeRolePolicy: string): Promise<void>;
  putRolePolicy(role: string, policyName: string, document: string): Promise<void>;
  addRoleToInstanceProfile(profile: string, role: string): Promise<void>;
  removeRoleFromInstanceProfile(profile: string, role: string): Promise<void>;
  deleteRolePolicy(role: string, policyName: string): Promise<void>;
  deleteRole(name: string): Promise<void>;
  deleteInstanceProfile(name: string): Promise<void>;
}

/** The real IamApi over an IAM client (or anything with the same `send`). */
export function sdkIamApi(client: AwsSender): IamApi {
  const sdk = iamSdk();
  const ok = async (command: unknown): Promise<void> => {
    await client.send(command);
  };
  return {
    getInstanceProfile: (name) => ok(new sdk.GetInstanceProfileCommand({ InstanceProfileName: name })),
    getRole: (name) => ok(new sdk.GetRoleCommand({ RoleName: name })),
    createInstanceProfile: (name) => ok(new sdk.CreateInstanceProfileCommand({ InstanceProfileName: name })),
    createRole: (name, assumeRolePolicy) =>
      ok(new sdk.CreateRoleCommand({ RoleName: name, Description: 'Temporary role for Packer', AssumeRolePolicyDocument: assumeRolePolicy })),
    putRolePolicy: (role, policyName, document) => ok(new sdk.PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: document })),
    addRoleToInstanceProfile: (profile, role) => ok(new sdk.AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role })),
    removeRoleFromInstanceProfile: (profile, role) =>
      ok(new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role })),
    deleteRolePolicy: (role, policyName) => ok(new sdk.DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName })),
    deleteRole: (name) => ok(new sdk.DeleteRoleCommand({ RoleName: name })),
    deleteInstanceProfile: (name) => ok(new sdk.DeleteInstanceProfileCommand({ InstanceProfileName: name })),
  };
}

/** The trust policy of Packer's temporary role: EC2 may assume it. */
export const EC2_TRUST_POLICY =
  '{"Version": "2012-10-17","Statement": [{"Effect": "Allow","Principal": {"Service": "ec2.amazonaws.com"},"Action": "sts:AssumeRole"}]}';
