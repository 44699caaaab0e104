import { Readable } from 'node:stream';
import type { Communicator } from '@kiln/sdk';
import { timeOrderedUuid } from './time-ordered-uuid.js';

/**
 * Windows `elevated_user`: Packer cannot run a command elevated over WinRM directly, so it uploads a
 * PowerShell script that registers a one-off scheduled task running the command as that user,
 * relays the task's output (redirected to a log file) and exits with the task's result. The
 * names and the command line match Packer's guestexec.GenerateElevatedRunner; the script is ours.
 */
export async function elevatedRunner(
  communicator: Communicator,
  command: string,
  credentials: { user: string; password: string },
  signal?: AbortSignal,
): Promise<string> {
  const taskName = `packer-${timeOrderedUuid()}`;
  // %VAR% form: the script expands it with ExpandEnvironmentVariables, which knows no $env: syntax.
  const logFile = `%SYSTEMROOT%/Temp/${taskName}.out`;
  const scriptPath = `C:/Windows/Temp/packer-elevated-shell-${timeOrderedUuid()}.ps1`;
  const script = elevatedScript({
    taskName,
    logFile,
    scriptPath,
    user: powershellEscape(credentials.user),
    password: powershellEscape(credentials.password),
    command: xmlEscape(`${command} > ${logFile} 2>&1`),
  });
  try {
    await communicator.upload(scriptPath, Readable.from([Buffer.from(script, 'utf8')]), { ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new Error(`Error preparing elevated powershell script: ${(error as Error).message}`, { cause: error });
  }
  return `powershell -executionpolicy bypass -file "${scriptPath}"`;
}

/** Characters PowerShell reads specially inside a double-quoted string, backtick-escaped. */
export function powershellEscape(text: string): string {
  return text.replace(/[$"`']/g, (char) => `\`${char}`);
}

/** Go's xml.EscapeText: the command sits in the task's XML as text. */
export function xmlEscape(text: string): string {
  const entities: Readonly<Record<string, string>> = {
    '"': '&#34;',
    "'": '&#39;',
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '\t': '&#x9;',
    '\n': '&#xA;',
    '\r': '&#xD;',
  };
  return text.replace(/["'&<>\t\n\r]/g, (char) => entities[char] ?? char);
}

interface ElevatedScriptData {
  readonly taskName: string;
  readonly logFile: string;
  readonly scriptPath: string;
  readonly user: string;
  readonly password: string;
  readonly command: string;
}

function elevatedScript(data: ElevatedScriptData): string {
  return `
$taskName = "${data.taskName}"
$logPath = [System.Environment]::ExpandEnvironmentVariables("${data.logFile}")
$scheduler = New-Object -ComObject "Schedule.Service"
$scheduler.Connect()
$definition = $scheduler.NewTask($null)
$taskXml = [xml]@'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>Packer elevated task</Description></RegistrationInfo>
  <Principals>
    <Principal id="Author">
      <UserId>${data.user}</UserId>
      <LogonType>Password</LogonType>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>false</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <RunOnlyIfIdle>false</RunOnlyIfIdle>
    <WakeToRun>false</WakeToRun>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <Priority>4</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec><Command>cmd</Command><Arguments>/c ${data.command}</Arguments></Exec>
  </Actions>
</Task>
'@
# Without a password the task runs as a service account (logon type 5): drop the LogonType element.
$logonType = 1
$password = "${data.password}"
if ($password.Length -eq 0) {
  $logonType = 5
  $password = $null
  $namespaces = New-Object System.Xml.XmlNamespaceManager($taskXml.NameTable)
  $namespaces.AddNamespace("t", $taskXml.DocumentElement.NamespaceURI)
  $logon = $taskXml.SelectSingleNode("/t:Task/t:Principals/t:Principal/t:LogonType", $namespaces)
  $logon.ParentNode.RemoveChild($logon) | Out-Null
}
$definition.XmlText = $taskXml.OuterXml
if (Test-Path variable:global:ProgressPreference) { $ProgressPreference = "SilentlyContinue" }
$root = $scheduler.GetFolder("\\")
$root.RegisterTaskDefinition($taskName, $definition, 6, "${data.user}", $password, $logonType, $null) | Out-Null
$task = $root.GetTask("\\$taskName")
$task.Run($null) | Out-Null
# Wait up to 10 s for the task to start running (state 4), then relay its log until it is ready again (3).
for ($waited = 0; ($task.State -ne 4) -and ($waited -lt 10); $waited++) { Start-Sleep -Seconds 1 }
$relayed = 0
do {
  Start-Sleep -Milliseconds 100
  if (Test-Path $logPath) {
    Get-Content $logPath | Select-Object -Skip $relayed | ForEach-Object { $relayed++; Write-Output "$_" }
  }
} while ($task.State -ne 3)
$exitCode = $task.LastTaskResult
if (Test-Path $logPath) { Remove-Item $logPath -Force -ErrorAction SilentlyContinue | Out-Null }
$self = [System.Environment]::ExpandEnvironmentVariables("${data.scriptPath}")
if (Test-Path $self) { Remove-Item $self -Force -ErrorAction SilentlyContinue | Out-Null }
$scheduler.GetFolder("\\").DeleteTask("\\$taskName", "")
[System.Runtime.Interopservices.Marshal]::ReleaseComObject($scheduler) | Out-Null
exit $exitCode
`;
}
