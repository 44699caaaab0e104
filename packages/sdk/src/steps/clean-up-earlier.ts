import type { Step } from './step.js';

/**
 * A step after which the steps before it need not wait for the end of the build to be cleaned
 * up (amazon-ebs, once the AMI exists: the source instance, its volumes, key pair and security
 * group). When it has run, runSteps starts their cleanups at once, in the background and in the
 * usual reverse order, while the later steps run; what those cleanups say is held back and said
 * at their usual turn at the end, so the output reads as it would without this.
 *
 * Steps whose cleanup depends on how the build ends (cleanupAwaitsOutcome: the AMI deregistered
 * on failure) still clean up at the end, and a step that holds the ones before it
 * (holdsEarlierSteps: stepProvision when there is an error-cleanup-provisioner) keeps them all
 * there. Only with -on-error=cleanup (the default) and without -debug: the other policies keep,
 * or ask about, what a failure left, and -debug pauses before each cleanup.
 */
export function cleanUpEarlier(name: string): Step<object, object> {
  return { name, cleansUpEarlier: true, run: () => Promise.resolve(undefined) };
}
