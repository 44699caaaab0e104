/** Go's %q / strconv.Quote for the ASCII-printable text Packer's messages quote. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}
