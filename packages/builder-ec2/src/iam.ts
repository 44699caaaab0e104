import type { SdkSend } from './driver.js';
import type * as IamSdk from './sdk/iam-commands.js';

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

/** The real IamApi over an IAM client; only builds with a temporary instance profile load the SDK's IAM part. */
export function sdkIamApi(send: SdkSend<typeof IamSdk>): IamApi {
  const ok = async (command: (sdk: typeof IamSdk) => unknown): Promise<void> => {
    await send<unknown>(command);
  };
  return {
    getInstanceProfile: (name) => ok((sdk) => new sdk.GetInstanceProfileCommand({ InstanceProfileName: name })),
    getRole: (name) => ok((sdk) => new sdk.GetRoleCommand({ RoleName: name })),
    createInstanceProfile: (name) => ok((sdk) => new sdk.CreateInstanceProfileCommand({ InstanceProfileName: name })),
    createRole: (name, assumeRolePolicy) =>
      ok((sdk) => new sdk.CreateRoleCommand({ RoleName: name, Description: 'Temporary role for Packer', AssumeRolePolicyDocument: assumeRolePolicy })),
    putRolePolicy: (role, policyName, document) => ok((sdk) => new sdk.PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: document })),
    addRoleToInstanceProfile: (profile, role) => ok((sdk) => new sdk.AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role })),
    removeRoleFromInstanceProfile: (profile, role) =>
      ok((sdk) => new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role })),
    deleteRolePolicy: (role, policyName) => ok((sdk) => new sdk.DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName })),
    deleteRole: (name) => ok((sdk) => new sdk.DeleteRoleCommand({ RoleName: name })),
    deleteInstanceProfile: (name) => ok((sdk) => new sdk.DeleteInstanceProfileCommand({ InstanceProfileName: name })),
  };
}

/** The trust policy of Packer's temporary role: EC2 may assume it. */
export const EC2_TRUST_POLICY =
  '{"Version": "2012-10-17","Statement": [{"Effect": "Allow","Principal": {"Service": "ec2.amazonaws.com"},"Action": "sts:AssumeRole"}]}';
