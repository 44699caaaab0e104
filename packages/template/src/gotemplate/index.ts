import { executeTemplate } from './exec.js';
import type { GoFuncMap } from './functions.js';
import type { ListNode } from './nodes.js';
import { parseTemplateText } from './parser.js';

/** A parsed template: the top-level template and any it defines with {{define}} or {{block}}. */
export interface GoTemplate {
  readonly name: string;
  readonly text: string;
  readonly trees: ReadonlyMap<string, ListNode>;
}

/**
 * Parses `text` as Go's `template.New(name).Funcs(...).Parse(text)` does: functions must be in
 * `funcNames` or built in (`template: root:1: function "x" not defined`). Throws GoTemplateError.
 */
export function parseGoTemplate(name: string, text: string, funcNames: ReadonlySet<string>): GoTemplate {
  return { name, text, trees: parseTemplateText(name, text, funcNames).trees };
}

/**
 * Executes a parsed template with `data` as dot, as Go's Execute does. Functions come from
 * `funcs` first, then Go's builtins. Throws GoTemplateError (or a KilnError a function threw).
 */
export function executeGoTemplate(template: GoTemplate, data: unknown, funcs: GoFuncMap): string {
  return executeTemplate(template, data, funcs);
}

export { GoTemplateError } from './errors.js';
export { goFuncNames, typedFunc } from './functions.js';
export type { GoFunc, GoFuncMap, GoParamType, GoTypedFunc } from './functions.js';
export { GoComplex, GoFloat, GoStruct } from './values.js';
export { formatValue as formatGoValue } from './fmt.js';
export { sprintf as goSprintf } from './printf.js';
export { quote as goQuote } from './strconv.js';
export { formatFloat as formatGoFloat } from './float-format.js';
