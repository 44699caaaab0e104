/**
 * Stands in for PrepareContext.render in tests: `{{.Key}}` / `{{ .Key }}` from the data, with Go
 * text/template's `<no value>` for a missing key. The real engine lives in @kiln/template.
 */
export function fakeRender(text: string, data: Readonly<Record<string, unknown>> = {}): string {
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, key: string) =>
    Object.hasOwn(data, key) ? String(data[key]) : '<no value>',
  );
}
