import { describe, expect, it } from 'vitest';
import { commandRequest, elements, isOperationTimeout, parseCommandId, parseFault, parseReceive, parseShellId } from './soap.js';

const DONE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done';

describe('reading WinRM responses', () => {
  it('finds the ShellId of a Create response, whatever the prefixes', () => {
    const xml =
      '<s:Envelope><s:Body><x:ResourceCreated><a:ReferenceParameters><w:SelectorSet>' +
      '<w:Selector Name="ShellId">11111111-2222</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated></s:Body></s:Envelope>';
    expect(parseShellId(xml)).toBe('11111111-2222');
    expect(parseShellId('<rsp:Shell><rsp:ShellId>ABC</rsp:ShellId></rsp:Shell>')).toBe('ABC');
  });

  it('finds the CommandId of a Command response', () => {
    expect(parseCommandId('<rsp:CommandResponse><rsp:CommandId>C-1</rsp:CommandId></rsp:CommandResponse>')).toBe('C-1');
  });

  it('decodes the streams of a Receive response and the exit code once Done', () => {
    const xml =
      '<rsp:ReceiveResponse>' +
      `<rsp:Stream Name="stdout" CommandId="C">${Buffer.from('hel').toString('base64')}</rsp:Stream>` +
      `<rsp:Stream Name="stderr" CommandId="C">${Buffer.from('warn').toString('base64')}</rsp:Stream>` +
      `<rsp:Stream Name="stdout" CommandId="C">${Buffer.from('lo').toString('base64')}</rsp:Stream>` +
      '<rsp:Stream Name="stdout" CommandId="C" End="true"/>' +
      `<rsp:CommandState CommandId="C" State="${DONE}"><rsp:ExitCode>259</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>`;
    const result = parseReceive(xml);
    expect(result.stdout.toString()).toBe('hello');
    expect(result.stderr.toString()).toBe('warn');
    expect(result).toMatchObject({ done: true, exitCode: 259 });
    const running = parseReceive('<rsp:CommandState CommandId="C" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/>');
    expect(running).toMatchObject({ done: false, exitCode: 0 });
  });

  it('recognizes the TimedOut fault masterzen/winrm retries, and no other', () => {
    const fault = (subcode: string, code: string) =>
      `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="">The text.</s:Text></s:Reason><s:Detail><f:WSManFault Code="${code}" Machine="m">` +
      '<f:Message>The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  </f:Message></f:WSManFault></s:Detail></s:Fault>';
    const timedOut = parseFault(fault('w:TimedOut', '2150858793'))!;
    expect(timedOut.message).toBe('The WS-Management service cannot complete the operation within the time specified in OperationTimeout.');
    expect(isOperationTimeout(timedOut)).toBe(true);
    expect(isOperationTimeout(parseFault(fault('w:InvalidSelectors', '2150858843'))!)).toBe(false);
    expect(parseFault('<s:Body/>')).toBeUndefined();
  });

  it('keeps any command text intact in CDATA, `]]>` and XML characters included', () => {
    const command = 'echo <a & "b"> ]]> done';
    const xml = commandRequest({ url: 'http://h:5985/wsman', operationTimeout: 'PT1M' }, 'S', command);
    expect(elements(xml, 'Command')[0]?.text).toBe(command);
  });
});
