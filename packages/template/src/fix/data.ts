/** A JSON value as Go's encoding/json decodes it into `interface{}` (numbers are float64). */
export type JsonData = null | boolean | number | string | JsonData[] | JsonMap;

export interface JsonMap {
  [key: string]: JsonData;
}

export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name Go's reflect gives a decoded JSON value's kind, as mapstructure prints it. */
export function goKind(value: JsonData | undefined): string {
  if (value === null || value === undefined) return 'invalid';
  if (Array.isArray(value)) return 'slice';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map';
  }
}

/** A shallow copy of a map: mapstructure's decode into map[string]interface{} makes one. */
export function copyMap(map: JsonMap): JsonMap {
  return { ...map };
}
