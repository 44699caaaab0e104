/**
 * Replaces every occurrence of each secret with `<sensitive>`, as Packer's secret filter does for
 * the values of sensitive variables. Empty secrets are skipped; longer secrets are replaced
 * first, so that a secret containing another is masked whole (Packer's order is random).
 */
export function createSecretMasker(secrets: readonly string[]): (text: string) => string {
  const ordered = [...new Set(secrets.filter((secret) => secret !== ''))].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((masked, secret) => masked.replaceAll(secret, '<sensitive>'), text);
}
