/** A place in the source text: 1-based line and column (in characters), 0-based offset in bytes. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

interface NodeBase {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

export interface JsonObjectNode extends NodeBase {
  readonly kind: 'object';
  /** In source order. Duplicate keys never reach here: the parser rejects them. */
  readonly entries: readonly JsonEntry[];
}

export interface JsonEntry {
  readonly key: string;
  readonly keyStart: TextPosition;
  readonly value: JsonNode;
}

export interface JsonArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly items: readonly JsonNode[];
}

export interface JsonStringNode extends NodeBase {
  readonly kind: 'string';
  readonly value: string;
}

export interface JsonNumberNode extends NodeBase {
  readonly kind: 'number';
  readonly value: number;
  /** The literal as written (`1e3`, `10.0`): Go keeps it, and Packer prints it that way. */
  readonly raw: string;
}

export interface JsonBooleanNode extends NodeBase {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface JsonNullNode extends NodeBase {
  readonly kind: 'null';
}

export type JsonNode =
  | JsonObjectNode
  | JsonArrayNode
  | JsonStringNode
  | JsonNumberNode
  | JsonBooleanNode
  | JsonNullNode;
