// The part of @aws-sdk/client-ssm a session_manager tunnel uses, loaded with import() only by the
// builds that open one (see ec2-commands.ts for why the commands are named one by one).
export { SSMClient, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
