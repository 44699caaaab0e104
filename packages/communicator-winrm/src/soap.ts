import { randomUUID } from 'node:crypto';

/**
 * The WS-Management SOAP envelopes of a remote cmd shell, element for element as masterzen/winrm
 * builds them (request.go for the bodies and options, soap/header.go for the header order,
 * soap/namespaces.go for the prefixes), which is what Packer 1.6.6 sends.
 */

export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
} as const;

export const ACTIONS = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;

const RESOURCE_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const TERMINATE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate';
export const COMMAND_DONE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done';

/** masterzen/winrm's DefaultParameters. */
export const ENVELOPE_SIZE = 153600;
const LOCALE = 'en-US';

export interface EnvelopeContext {
  /** The endpoint URL, `http://host:5985/wsman`. */
  readonly url: string;
  /** xs:duration, `PT30M`. */
  readonly operationTimeout: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A CDATA section holding any text (a `]]>` inside is split across two sections). */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function envelope(
  context: EnvelopeContext,
  action: string,
  body: string,
  options: { shellId?: string; options?: readonly (readonly [string, string])[] } = {},
): string {
  const header = [
    `<a:To>${escapeXml(context.url)}</a:To>`,
    `<a:ReplyTo><a:Address mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>`,
    `<w:MaxEnvelopeSize mustUnderstand="true">${ENVELOPE_SIZE}</w:MaxEnvelopeSize>`,
    `<w:OperationTimeout>${context.operationTimeout}</w:OperationTimeout>`,
    `<a:MessageID>uuid:${randomUUID()}</a:MessageID>`,
    `<w:Locale mustUnderstand="false" xml:lang="${LOCALE}"></w:Locale>`,
    `<p:DataLocale mustUnderstand="false" xml:lang="${LOCALE}"></p:DataLocale>`,
    `<a:Action mustUnderstand="true">${action}</a:Action>`,
    options.shellId ? `<w:SelectorSet><w:Selector Name="ShellId">${escapeXml(options.shellId)}</w:Selector></w:SelectorSet>` : '',
    `<w:ResourceURI mustUnderstand="true">${RESOURCE_URI}</w:ResourceURI>`,
    options.options?.length
      ? `<w:OptionSet>${options.options.map(([name, value]) => `<w:Option Name="${name}">${value}</w:Option>`).join('')}</w:OptionSet>`
      : '',
  ].join('');
  const namespaces = Object.entries(NS)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return `<env:Envelope ${namespaces}><env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`;
}

export function createShellRequest(context: EnvelopeContext): string {
  return envelope(
    context,
    ACTIONS.create,
    '<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>',
    { options: [['WINRS_NOPROFILE', 'FALSE'], ['WINRS_CODEPAGE', '65001']] },
  );
}

export function deleteShellRequest(context: EnvelopeContext, shellId: string): string {
  return envelope(context, ACTIONS.delete, '', { shellId });
}

export function commandRequest(context: EnvelopeContext, shellId: string, command: string): string {
  return envelope(context, ACTIONS.command, `<rsp:CommandLine><rsp:Command>${cdata(command)}</rsp:Command></rsp:CommandLine>`, {
    shellId,
    options: [['WINRS_CONSOLEMODE_STDIN', 'TRUE'], ['WINRS_SKIP_CMD_SHELL', 'FALSE']],
  });
}

export function receiveRequest(context: EnvelopeContext, shellId: string, commandId: string): string {
  return envelope(
    context,
    ACTIONS.receive,
    `<rsp:Receive><rsp:DesiredStream CommandId="${escapeXml(commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    { shellId },
  );
}

export function signalRequest(context: EnvelopeContext, shellId: string, commandId: string): string {
  return envelope(
    context,
    ACTIONS.signal,
    `<rsp:Signal CommandId="${escapeXml(commandId)}"><rsp:Code>${TERMINATE}</rsp:Code></rsp:Signal>`,
    { shellId },
  );
}

// Responses are read by local name, whatever prefixes the server chose (Windows uses s:, rsp:, w:).

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return named[entity.toLowerCase()] ?? '';
  });
}

interface Element {
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
}

/** Every element with this local name: its attributes and its text (CDATA unwrapped). */
export function elements(xml: string, localName: string): Element[] {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${localName}((?:\\s+[^>]*?)?)(/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${localName}\\s*>)`, 'g');
  const found: Element[] = [];
  for (const match of xml.matchAll(pattern)) {
    const attributes: Record<string, string> = {};
    for (const attribute of (match[1] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const name = attribute[1]!.replace(/^[\w.-]+:/, '');
      attributes[name] = unescapeXml(attribute[2] ?? attribute[3] ?? '');
    }
    const inner = match[3] ?? '';
    const text = inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)|<[^>]*>/g, (_, data?: string, plain?: string) =>
      data !== undefined ? data : plain !== undefined ? unescapeXml(plain) : '',
    );
    found.push({ attributes, text });
  }
  return found;
}

export function parseShellId(xml: string): string | undefined {
  const selector = elements(xml, 'Selector').find((element) => element.attributes.Name === 'ShellId');
  return selector?.text.trim() || elements(xml, 'ShellId')[0]?.text.trim() || undefined;
}

export function parseCommandId(xml: string): string | undefined {
  return elements(xml, 'CommandId')[0]?.text.trim() || undefined;
}

export interface ReceiveResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly done: boolean;
  readonly exitCode: number;
}

/** A Receive response: the decoded stream chunks, and the exit code once the command is Done. */
export function parseReceive(xml: string): ReceiveResult {
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  for (const stream of elements(xml, 'Stream')) {
    const name = stream.attributes.Name;
    if (name === 'stdout' || name === 'stderr') chunks[name].push(Buffer.from(stream.text.trim(), 'base64'));
  }
  const state = elements(xml, 'CommandState').find((element) => element.attributes.State === COMMAND_DONE);
  const exitCode = state ? Number.parseInt(elements(xml, 'ExitCode')[0]?.text.trim() ?? '0', 10) : 0;
  return {
    stdout: Buffer.concat(chunks.stdout),
    stderr: Buffer.concat(chunks.stderr),
    done: state !== undefined,
    exitCode: Number.isNaN(exitCode) ? 0 : exitCode,
  };
}

export interface Fault {
  /** The WS-Management subcode, `w:TimedOut`. */
  readonly subcode: string;
  /** The numeric WSManFault code, `2150858793`. */
  readonly code: string;
  readonly message: string;
}

export function parseFault(xml: string): Fault | undefined {
  if (elements(xml, 'Fault').length === 0) return undefined;
  const subcode = elements(xml, 'Subcode')
    .map((element) => element.text.trim())
    .join(' ');
  const wsman = elements(xml, 'WSManFault')[0];
  const message = (elements(xml, 'Message')[0]?.text ?? elements(xml, 'Text')[0]?.text ?? '').replace(/\s+/g, ' ').trim();
  return { subcode, code: wsman?.attributes.Code ?? '', message };
}

/** WinRM's "no output within OperationTimeout": masterzen/winrm retries the Receive on it. */
export function isOperationTimeout(fault: Fault): boolean {
  return /(^|:)TimedOut$/.test(fault.subcode) || fault.code === '2150858793';
}
