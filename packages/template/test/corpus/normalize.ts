/**
 * The corpus normalizer (shared/corpus/normalize.py) in TypeScript, rule for rule, so that our
 * outputs go through exactly what Packer's expected outputs went through.
 */
export type OutputKind = 'syntax' | 'validate' | 'inspect' | 'inspect-mr';

const DNS_ERRORS =
  'no\\s+such\\s+host|server\\s+misbehaving|i/o\\s+timeout|' +
  'Temporary\\s+failure\\s+in\\s+name\\s+resolution|' +
  'connect:\\s+network\\s+is\\s+unreachable';

export function normalizeOutput(kind: OutputKind, text: string, root?: string): string {
  let result = text;
  // 1. The run root becomes <ROOT>.
  if (root) result = result.replaceAll(root.replace(/\/+$/, ''), '<ROOT>');
  // 2. DNS failures, possibly wrapped over two lines, keep only the host.
  result = result.replace(
    new RegExp(`lookup(\\s+)([^\\s:]+)\\s+on\\s+\\S+?:\\d+:(\\s+)(?:dial\\s+udp\\s+\\S+:\\s+)?(?:${DNS_ERRORS})`, 'g'),
    'lookup$1$2:$3<dns-error>',
  );
  result = result.replace(new RegExp(`lookup(\\s+)([^\\s:]+):(\\s+)(?:${DNS_ERRORS})`, 'g'), 'lookup$1$2:$3<dns-error>');
  let lines = result.split('\n');
  // 3. Machine-readable rows lose their timestamp.
  if (kind === 'inspect-mr') lines = lines.map((line) => line.replace(/^\d+,/, ''));
  // 4. Blocks in Go map order are sorted.
  if (kind === 'validate') lines = sortRuns(lines, (line) => /^\t?\* required variable not set: /.test(line));
  else if (kind === 'inspect') lines = sortRequiredVariables(lines);
  else if (kind === 'inspect-mr') lines = sortRequiredVariableRows(lines);
  return lines.join('\n');
}

function sortRuns(lines: readonly string[], inRun: (line: string) => boolean): string[] {
  const out: string[] = [];
  for (let index = 0; index < lines.length; ) {
    if (!inRun(lines[index]!)) {
      out.push(lines[index++]!);
      continue;
    }
    let end = index;
    while (end < lines.length && inRun(lines[end]!)) end++;
    out.push(...lines.slice(index, end).sort(comparePython));
    index = end;
  }
  return out;
}

function sortRequiredVariables(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < lines.length; ) {
    const line = lines[index]!;
    out.push(line);
    index++;
    if (line !== 'Required variables:') continue;
    while (index < lines.length && lines[index] === '') out.push(lines[index++]!);
    let end = index;
    while (end < lines.length && lines[end] !== '') end++;
    out.push(...lines.slice(index, end).sort(comparePython));
    index = end;
  }
  return out;
}

function sortRequiredVariableRows(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < lines.length; ) {
    const line = lines[index]!;
    out.push(line);
    index++;
    if (!line.startsWith(',ui,say,Required variables:')) continue;
    const pairs: [string, string][] = [];
    while (
      index + 1 < lines.length &&
      lines[index]!.startsWith(',template-variable,') &&
      lines[index + 1]!.startsWith(',ui,say,')
    ) {
      pairs.push([lines[index]!, lines[index + 1]!]);
      index += 2;
    }
    pairs.sort((a, b) => comparePython(a[0].split(',')[2]!, b[0].split(',')[2]!));
    for (const pair of pairs) out.push(...pair);
  }
  return out;
}

/** Python compares str by code point; JS by UTF-16 unit (different above U+FFFF). */
function comparePython(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
