/** Packer's OnlyExcept.Skip: `only` wins when set; names match exactly. */
export function isSkipped(filter: { readonly only?: readonly string[]; readonly except?: readonly string[] }, name: string): boolean {
  if (filter.only && filter.only.length > 0) return !filter.only.includes(name);
  if (filter.except && filter.except.length > 0) return filter.except.includes(name);
  return false;
}
