import type { Instance } from '@aws-sdk/client-ec2';
import { sleep } from '@kiln/sdk';
import type { Ec2Api } from './driver.js';

/**
 * Packer's SSHHost: ssh_host if set; else the address ssh_interface names; else, in a VPC, the
 * public IP or the private one; outside a VPC the public DNS name. The instance is described
 * again (twice at most) while it has no address yet.
 */
export async function sshHost(
  api: Ec2Api,
  instance: Instance,
  options: { readonly host?: string; readonly sshInterface: string; readonly retryDelayMs?: number },
): Promise<string> {
  if (options.host) return options.host;
  if (options.sshInterface === 'session_manager') return 'localhost';
  let current = instance;
  for (let attempt = 0; attempt <= 2; attempt++) {
    const host = addressOf(current, options.sshInterface);
    if (host) return host;
    const [described] = await api.describeInstances({ InstanceIds: [current.InstanceId!] });
    if (!described) throw new Error(`instance not found: ${current.InstanceId}`);
    current = described;
    await sleep(options.retryDelayMs ?? 2_000);
  }
  throw new Error("couldn't determine address for instance");
}

function addressOf(instance: Instance, sshInterface: string): string | undefined {
  switch (sshInterface) {
    case 'public_ip':
      return instance.PublicIpAddress || undefined;
    case 'private_ip':
      return instance.PrivateIpAddress || undefined;
    case 'public_dns':
      return instance.PublicDnsName || undefined;
    case 'private_dns':
      return instance.PrivateDnsName || undefined;
    default:
      if (instance.VpcId) return instance.PublicIpAddress || instance.PrivateIpAddress || undefined;
      return instance.PublicDnsName || undefined;
  }
}
