import { randomUUID } from 'node:crypto';
import type { Step, Ui } from '@kiln/sdk';
import type { PolicyDocumentConfig } from '../config.js';
import type { Ec2BuildContext } from '../context.js';
import { EC2_TRUST_POLICY, type IamApi } from '../iam.js';
import { pollUntil } from '../polling.js';
import { KIND } from '../resources.js';
import { retrying } from '../retry.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { IamProfileState } from './state.js';

/**
 * Packer's StepIamInstanceProfile: checks iam_instance_profile, or creates a temporary instance
 * profile and role with temporary_iam_instance_profile_policy_document (each in the ledger
 * before it is created) and removes them at cleanup in reverse.
 */
export function stepIamInstanceProfile(ctx: Ec2BuildContext, iam: () => IamApi): Step<object, IamProfileState> {
  const { settings, tracker } = ctx;
  let profile: string | undefined;
  let role: string | undefined;
  let policyPut = false;
  let attached = false;
  return {
    name: 'StepIamInstanceProfile',
    async run(_state, { ui, signal }) {
      if (settings.iamInstanceProfile) {
        if (!settings.skipProfileValidation) {
          await iam()
            .getInstanceProfile(settings.iamInstanceProfile)
            .catch((error: unknown) => {
              throw fail(ui, `Couldn't find specified instance profile: ${messageOf(error)}`, error);
            });
        }
        return { iamInstanceProfile: settings.iamInstanceProfile };
      }
      if (!settings.temporaryIamPolicyDocument) return { iamInstanceProfile: '' };
      const api = iam();
      const name = `packer-${randomUUID()}`;
      const policy = policyJson(settings.temporaryIamPolicyDocument);
      ui.say(`Creating temporary instance profile for this instance: ${name}`);
      await tracker.record(KIND.instanceProfile, name, undefined);
      profile = name;
      await api.createInstanceProfile(name).catch((error: unknown) => {
        throw fail(ui, messageOf(error), error);
      });
      await visible(() => api.getInstanceProfile(name), signal).catch((error: unknown) => {
        throw fail(ui, `Timed out waiting for instance profile ${name}: ${messageOf(error)}`, error);
      });
      ui.say(`Creating temporary role for this instance: ${name}`);
      await tracker.record(KIND.role, name, undefined, { policy: name, profile: name });
      role = name;
      await api.createRole(name, EC2_TRUST_POLICY).catch((error: unknown) => {
        throw fail(ui, messageOf(error), error);
      });
      await visible(() => api.getRole(name), signal).catch((error: unknown) => {
        throw fail(ui, `Timed out waiting for role ${name}: ${messageOf(error)}`, error);
      });
      ui.say(`Attaching policy to the temporary role: ${name}`);
      policyPut = true;
      await api.putRolePolicy(name, name, policy).catch((error: unknown) => {
        throw fail(ui, messageOf(error), error);
      });
      attached = true;
      await api.addRoleToInstanceProfile(name, name).catch((error: unknown) => {
        throw fail(ui, messageOf(error), error);
      });
      return { iamInstanceProfile: name };
    },
    async cleanup(_state, { ui }) {
      if (!profile) return;
      const api = iam();
      await undo(ui, attached, 'Detaching temporary role from instance profile...', `the role manually: ${role}`, () =>
        api.removeRoleFromInstanceProfile(profile!, role!),
      );
      await undo(ui, policyPut, 'Removing policy from temporary role...', `the policy manually: ${role}`, () => api.deleteRolePolicy(role!, role!));
      if (role && (await undo(ui, true, 'Deleting temporary role...', `the role manually: ${role}`, () => api.deleteRole(role!)))) {
        await tracker.forget(KIND.role, role, undefined);
      }
      if (await undo(ui, true, 'Deleting temporary instance profile...', `the instance profile manually: ${profile}`, () => api.deleteInstanceProfile(profile!))) {
        await tracker.forget(KIND.instanceProfile, profile, undefined);
      }
    },
  };
}

/** The policy as Packer marshals its PolicyDocument struct: Action and Resource always lists. */
export function policyJson(document: PolicyDocumentConfig): string {
  const list = (value: string | readonly string[] | undefined) => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);
  return JSON.stringify({
    Version: document.Version ?? '',
    Statement: (document.Statement ?? []).map((s) => ({ Effect: s.Effect ?? '', Action: list(s.Action), Resource: list(s.Resource) })),
  });
}

async function undo(ui: Ui, needed: boolean, headline: string, manual: string, fn: () => Promise<void>): Promise<boolean> {
  if (!needed) return false;
  ui.say(headline);
  try {
    await retrying(fn, { retryOn: ['DeleteConflict'] });
    return true;
  } catch (error) {
    if (messageOf(error).includes('cannot be found') || (error as { name?: string }).name === 'NoSuchEntityException') return true;
    ui.error(`Error ${messageOf(error)}. Please delete ${manual}`);
    return false;
  }
}

/** IAM is eventually consistent: a new profile or role may not be readable yet. */
function visible(get: () => Promise<void>, signal: AbortSignal): Promise<boolean> {
  return pollUntil<boolean>(
    async () => {
      try {
        await get();
        return { done: true };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchEntityException' || (error as { name?: string }).name === 'NoSuchEntity') {
          return { pending: 'not visible yet' };
        }
        throw error;
      }
    },
    { polling: { delayMs: 1_000, maxAttempts: 40 }, signal, description: 'IAM to see the new resource' },
  );
}
