import { startWinrmServer, type RecordedEnvelope, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTo, run } from './support.js';

// What masterzen/winrm (the library in Packer 1.6.6) sends, from its request.go (actions,
// bodies, OptionSet), soap/header.go (header elements, their order and mustUnderstand) and
// soap/namespaces.go (prefixes and namespace URIs).
const NAMESPACES = [
  'xmlns:env="http://www.w3.org/2003/05/soap-envelope"',
  'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"',
  'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"',
  'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"',
  'xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"',
];
const HEADER_ORDER = ['a:To', 'a:ReplyTo', 'w:MaxEnvelopeSize', 'w:OperationTimeout', 'a:MessageID', 'w:Locale', 'p:DataLocale', 'a:Action'];

let server: WinrmServer;
let envelopes: RecordedEnvelope[];

beforeAll(async () => {
  server = await startWinrmServer();
  const winrm = await connectTo(server, { winrm_timeout: '' });
  await run(winrm, 'echo x & exit /b 2');
  await winrm.close();
  envelopes = server.envelopes;
});
afterAll(async () => {
  await server?.stop();
});

const find = (action: string) => envelopes.find((envelope) => envelope.action.endsWith(action))!.xml;
const body = (xml: string) => /<env:Body>([\s\S]*)<\/env:Body>/.exec(xml)?.[1];

describe('the envelopes sent, against masterzen/winrm', () => {
  it('declares the usual namespaces and orders the header as soap/header.go', () => {
    for (const { xml } of envelopes) {
      for (const namespace of NAMESPACES) expect(xml).toContain(namespace);
      const positions = HEADER_ORDER.map((name) => xml.indexOf(`<${name}`));
      expect(positions.every((position) => position > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(xml).toContain(`<a:To>http://127.0.0.1:${server.port}/wsman</a:To>`);
      expect(xml).toContain('<a:ReplyTo><a:Address mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>');
      expect(xml).toContain('<w:MaxEnvelopeSize mustUnderstand="true">153600</w:MaxEnvelopeSize>');
      // Packer sends winrm_timeout as the OperationTimeout; 30m by default.
      expect(xml).toContain('<w:OperationTimeout>PT30M</w:OperationTimeout>');
      expect(xml).toMatch(/<a:MessageID>uuid:[0-9a-f-]{36}<\/a:MessageID>/);
      expect(xml).toContain('<w:Locale mustUnderstand="false" xml:lang="en-US">');
      expect(xml).toContain('<w:ResourceURI mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>');
    }
  });

  it('creates a cmd shell with NOPROFILE and codepage 65001 (NewOpenShellRequest)', () => {
    const xml = find('/transfer/Create');
    expect(xml).toContain('<a:Action mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>');
    expect(xml).toContain('<w:OptionSet><w:Option Name="WINRS_NOPROFILE">FALSE</w:Option><w:Option Name="WINRS_CODEPAGE">65001</w:Option></w:OptionSet>');
    expect(body(xml)).toBe('<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>');
    expect(xml).not.toContain('SelectorSet');
  });

  it('starts the command in CDATA with the console options (NewExecuteCommandRequest)', () => {
    const xml = find('/shell/Command');
    expect(xml).toMatch(/<w:SelectorSet><w:Selector Name="ShellId">[0-9A-F-]{36}<\/w:Selector><\/w:SelectorSet>/);
    expect(xml).toContain('<w:OptionSet><w:Option Name="WINRS_CONSOLEMODE_STDIN">TRUE</w:Option><w:Option Name="WINRS_SKIP_CMD_SHELL">FALSE</w:Option></w:OptionSet>');
    expect(envelopes.map((envelope) => body(envelope.xml))).toContain(
      '<rsp:CommandLine><rsp:Command><![CDATA[echo x & exit /b 2]]></rsp:Command></rsp:CommandLine>',
    );
  });

  it('receives stdout and stderr of the command (NewGetOutputRequest)', () => {
    expect(body(find('/shell/Receive'))).toMatch(/^<rsp:Receive><rsp:DesiredStream CommandId="[0-9A-F-]{36}">stdout stderr<\/rsp:DesiredStream><\/rsp:Receive>$/);
  });

  it('terminates the command (NewSignalRequest) and deletes the shell with an empty body (NewDeleteShellRequest)', () => {
    expect(body(find('/shell/Signal'))).toMatch(
      /^<rsp:Signal CommandId="[0-9A-F-]{36}"><rsp:Code>http:\/\/schemas.microsoft.com\/wbem\/wsman\/1\/windows\/shell\/signal\/terminate<\/rsp:Code><\/rsp:Signal>$/,
    );
    const xml = find('/transfer/Delete');
    expect(body(xml)).toBe('');
    expect(xml).toContain('<w:SelectorSet><w:Selector Name="ShellId">');
  });

  it('goes through the life of a command in order', () => {
    const actions = envelopes.map((envelope) => envelope.action.replace(/^.*\//, ''));
    const last = actions.slice(-5);
    expect(last).toEqual(['Create', 'Command', 'Receive', 'Signal', 'Delete']);
  });
});
