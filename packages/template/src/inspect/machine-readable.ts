/**
 * One row of Packer's -machine-readable output, without the leading `<unix timestamp>,` (the CLI
 * adds it): `target,type,data...`. In each data field Packer writes `,` as `%!(PACKER_COMMA)`,
 * and `\r` / `\n` as the two characters `\r` / `\n`; target and type are written as they are.
 * A UI message is the row `('', 'ui', ['say', text])`.
 */
export function machineReadableRow(target: string, type: string, data: readonly string[]): string {
  const escaped = data.map((field) =>
    field.replaceAll(',', '%!(PACKER_COMMA)').replaceAll('\r', '\\r').replaceAll('\n', '\\n'),
  );
  return `${target},${type},${escaped.join(',')}`;
}
