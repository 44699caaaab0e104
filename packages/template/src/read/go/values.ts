import type { JsonNode } from '../../json/ast.js';

/*
 * How Go names and prints a decoded JSON value (an interface{} holding float64, string, bool,
 * []interface{}, map[string]interface{} or nil). Packer's template errors come from mapstructure,
 * which quotes these names and `%v` renderings verbatim.
 */

/** reflect.Type.String() and reflect.Kind.String() of each kind of decoded JSON value. */
const GO_REFLECT_NAMES: Readonly<Record<JsonNode['kind'], { readonly type: string; readonly kind: string }>> = {
  object: { type: 'map[string]interface {}', kind: 'map' },
  array: { type: '[]interface {}', kind: 'slice' },
  number: { type: 'float64', kind: 'float64' },
  boolean: { type: 'bool', kind: 'bool' },
  string: { type: 'string', kind: 'string' },
  null: { type: 'interface {}', kind: 'invalid' },
};

/** reflect.Type.String() of the decoded value. */
export function goTypeName(node: JsonNode): string {
  return GO_REFLECT_NAMES[node.kind].type;
}

/** reflect.Kind.String() of the decoded value. */
export function goKindName(node: JsonNode): string {
  return GO_REFLECT_NAMES[node.kind].kind;
}

/** fmt's `%v`: `[1 x [true <nil>]]`, `map[a:1 b:x]` (keys sorted), floats as `%g` (`1e+06`). */
export function goValueText(node: JsonNode): string {
  switch (node.kind) {
    case 'object': {
      const entries = [...node.entries].sort((a, b) => compareGoStrings(a.key, b.key));
      return `map[${entries.map((entry) => `${entry.key}:${goValueText(entry.value)}`).join(' ')}]`;
    }
    case 'array':
      return `[${node.items.map(goValueText).join(' ')}]`;
    case 'number':
      return formatGoFloatV(node.value);
    case 'boolean':
      return String(node.value);
    case 'string':
      return node.value;
    case 'null':
      return '<nil>';
  }
}

/** Go compares strings by their UTF-8 bytes; JS by UTF-16 units. They differ above U+FFFF. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's len(s): the UTF-8 byte length. */
export function goLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `%v` of a float64 (`%g` with the shortest digits): the exponent form when the decimal exponent
 * is below -4 or at least 6, hence `123456` but `1e+06`.
 */
export function formatGoFloatV(value: number): string {
  const decimal = shortestDecimal(value);
  if (decimal === undefined) return goSpecialFloat(value);
  const exponent = decimal.point - 1;
  return exponent < -4 || exponent >= 6 ? exponentForm(decimal) : fixedForm(decimal);
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent (`1e21` -> `1000...0`). */
export function formatGoFloatF(value: number): string {
  const decimal = shortestDecimal(value);
  if (decimal === undefined) return goSpecialFloat(value);
  return fixedForm(decimal);
}

interface Decimal {
  readonly negative: boolean;
  /** Significant digits, no leading or trailing zeros ('' for zero). */
  readonly digits: string;
  /** Position of the decimal point relative to the digits: value = 0.digits × 10^point. */
  readonly point: number;
}

function shortestDecimal(value: number): Decimal | undefined {
  if (!Number.isFinite(value)) return undefined;
  const negative = value < 0 || Object.is(value, -0);
  if (value === 0) return { negative, digits: '', point: 0 };
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { negative, digits, point: Number(exponent) + 1 };
}

function exponentForm({ negative, digits, point }: Decimal): string {
  const exponent = point - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${negative ? '-' : ''}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}

function fixedForm({ negative, digits, point }: Decimal): string {
  const sign = negative ? '-' : '';
  if (digits === '') return `${sign}0`;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function goSpecialFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}
