// STS's AssumeRole for assume_role, from the STS client the SDK's own credential providers use
// (@aws-sdk/nested-clients, already installed with them), loaded with import() only by builds
// that assume a role.
export { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
