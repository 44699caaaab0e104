// The evaluator of Go's text/template (exec.go of Go 1.19): it walks the parse tree with a dot and
// a stack of variables, checks arguments against parameter types as Go's reflection does, and
// reports failures as `template: root:1:2: executing "root" at <node>: message`, pointing at the
// node Go would be looking at.

import { isKilnError } from '@kiln/sdk';
import { BUILTINS, fromJs, type Callable, type ParamType } from './builtins.js';
import { GoTemplateError } from './errors.js';
import { formatValue } from './fmt.js';
import type { GoFuncMap } from './functions.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { nodeString } from './nodes.js';
import { quote, utf8Length } from './strconv.js';
import {
  GoComplex,
  GoFloat,
  GoInterface,
  GoStruct,
  isTrue,
  kindOf,
  mapEntries,
  mapLookup,
  toJs,
  typeName,
  unbox,
} from './values.js';

/** Go's missingVal: no value was piped into a command. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

const MAX_EXEC_DEPTH = 100000;

export interface ExecTemplate {
  readonly name: string;
  readonly text: string;
  readonly trees: ReadonlyMap<string, ListNode>;
}

function paramTypeName(type: ParamType): string {
  switch (type) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    default:
      return type;
  }
}

function canBeNil(type: ParamType | undefined): boolean {
  return type === 'any' || type === 'value';
}

function isAssignable(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return kindOf(value) === 'string';
    case 'int':
      return kindOf(value) === 'int';
    case 'float64':
      return kindOf(value) === 'float64';
    case 'bool':
      return kindOf(value) === 'bool';
  }
}

function isNil(value: unknown): boolean {
  return value === undefined || value === null;
}

function toCallable(fn: GoFuncMap[string]): Callable {
  if (typeof fn === 'function') return { params: [], variadic: 'any', call: (args) => fromJs(fn(...args.map(toJs))) };
  const base = { params: fn.params, call: (args: unknown[]) => fromJs(fn.fn(...args.map(toJs))) };
  return fn.variadic === undefined ? base : { ...base, variadic: fn.variadic };
}

function goInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

class ExecState {
  node: Node | undefined;
  private vars: { name: string; value: unknown }[];

  constructor(
    private readonly tmpl: ExecTemplate,
    private readonly funcs: ReadonlyMap<string, Callable>,
    private readonly name: string,
    private readonly out: { text: string },
    dot: unknown,
    private readonly depth: number,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  // Errors.

  errorf(message: string): never {
    if (this.node === undefined) throw new GoTemplateError('exec', `template: ${this.name}: ${message}`);
    const pos = this.node.pos;
    const before = this.tmpl.text.slice(0, pos);
    const lastNewline = before.lastIndexOf('\n');
    const column = utf8Length(lastNewline < 0 ? before : before.slice(lastNewline + 1));
    const line = before.split('\n').length;
    const location = `${this.tmpl.name}:${line}:${column}`;
    throw new GoTemplateError(
      'exec',
      `template: ${location}: executing ${quote(this.name)} at <${nodeString(this.node)}>: ${message}`,
    );
  }

  private at(node: Node): void {
    this.node = node;
  }

  // Variables.

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // Walking the tree.

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(node, dot);
        return;
      case 'list':
        for (const child of node.nodes) this.walk(dot, child);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.out.text += node.text;
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(node: BranchNode, dot: unknown): void {
    const mark = this.mark();
    try {
      const value = this.evalPipeline(dot, node.pipe);
      const { truth, ok } = isTrue(value);
      if (!ok) this.errorf(`if/with can't use ${formatValue(value)}`);
      if (truth) this.walk(node.type === 'with' ? value : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const outerMark = this.mark();
    try {
      const value = unbox(this.evalPipeline(dot, node.pipe));
      const mark = this.mark();
      const oneIteration = (index: unknown, elem: unknown): void => {
        if (node.pipe.decl.length > 0) this.setTopVar(1, elem);
        if (node.pipe.decl.length > 1) this.setTopVar(2, index);
        try {
          this.walk(elem, node.list);
        } catch (signal) {
          if (signal !== CONTINUE) throw signal;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      switch (kindOf(value)) {
        case 'slice':
          (value as unknown[]).forEach((item, i) => {
            ran = true;
            oneIteration(i, new GoInterface(item));
          });
          break;
        case 'map':
          for (const [key, item] of mapEntries(value)) {
            ran = true;
            oneIteration(key, new GoInterface(item));
          }
          break;
        case 'invalid':
          break;
        default:
          this.errorf(`range can't iterate over ${formatValue(value)}`);
      }
      if (!ran && node.elseList) this.walk(dot, node.elseList);
    } catch (signal) {
      if (signal !== BREAK) throw signal;
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: unknown, node: TemplateNode): void {
    this.at(node);
    const tree = this.tmpl.trees.get(node.name);
    if (tree === undefined) this.errorf(`template ${quote(node.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, node.pipe);
    const nested = new ExecState(this.tmpl, this.funcs, node.name, this.out, newDot, this.depth + 1);
    nested.walk(newDot, tree);
  }

  // Pipelines and commands.

  private evalPipeline(dot: unknown, pipe: PipeNode | undefined): unknown {
    if (pipe === undefined) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value instanceof GoInterface) value = value.inner;
    }
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, value);
      else this.push(variable.ident[0]!, value);
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(constant: NumberNode): unknown {
    this.at(constant);
    const { value, text } = constant;
    if (value.isComplex) return new GoComplex(value.complex.re, value.complex.im);
    const isHexInt = /^0[xX]/.test(text) && !/[pP]/.test(text);
    if (value.isFloat && !isHexInt && !text.startsWith("'") && /[.eEpP]/.test(text)) return new GoFloat(value.float);
    if (value.isInt) return goInt(value.int);
    if (value.isUint) this.errorf(`${text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(receiver, chain.field, args, final);
  }

  private evalVariableNode(variable: VariableNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [variable], final);
      return value;
    }
    return this.evalFieldChain(value, variable.ident.slice(1), args, final);
  }

  /** Reads each field in turn: only the last one may take arguments. */
  private evalFieldChain(
    receiver: unknown,
    ident: readonly string[],
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    let current = receiver;
    for (let i = 0; i < ident.length - 1; i++) current = this.evalField(ident[i]!, undefined, MISSING, current);
    return this.evalField(ident[ident.length - 1]!, args, final, current);
  }

  private evalFunction(
    dot: unknown,
    node: IdentifierNode,
    cmd: Node,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    this.at(node);
    const name = node.ident;
    const fn = this.funcs.get(name) ?? BUILTINS.get(name);
    if (fn === undefined) this.errorf(`${quote(name)} is not a defined function`);
    const isBuiltin = !this.funcs.has(name);
    return this.evalCall(dot, fn, isBuiltin, cmd, name, args, final);
  }

  private evalField(fieldName: string, args: readonly ArgNode[] | undefined, final: Final, receiver: unknown): unknown {
    if (isNil(receiver)) return undefined;
    const type = typeName(receiver);
    if (receiver instanceof GoInterface && isNil(receiver.inner)) {
      this.errorf(`nil pointer evaluating ${type}.${fieldName}`);
    }
    const value = unbox(receiver);
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    switch (kindOf(value)) {
      case 'struct': {
        const struct = value as GoStruct;
        if (Object.prototype.hasOwnProperty.call(struct.fields, fieldName)) {
          if (!/^\p{Lu}/u.test(fieldName)) this.errorf(`${fieldName} is an unexported field of struct type ${type}`);
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return struct.fields[fieldName];
        }
        break;
      }
      case 'map': {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        const { found, value: item } = mapLookup(value, fieldName);
        return found ? new GoInterface(item) : undefined;
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${type}`);
  }

  private evalCall(
    dot: unknown,
    fn: Callable,
    isBuiltin: boolean,
    node: Node,
    name: string,
    allArgs: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    const args = allArgs === undefined ? [] : allArgs.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let value: unknown;
      for (const arg of args) {
        value = this.evalArg(dot, 'value', arg);
        if (isTrue(value).truth === (name === 'or')) return value;
      }
      if (final !== MISSING) value = this.validateType(final, 'value');
      return value;
    }

    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    }
    if (final !== MISSING) {
      let type: ParamType;
      if (fn.variadic !== undefined) type = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      else type = fn.params[fn.params.length - 1]!;
      argv.push(this.validateType(final, type));
    }
    try {
      return fn.call(argv);
    } catch (error) {
      // A KilnError is a failure of Kiln itself (say, a function not implemented yet): it stops the
      // run as it is instead of reading as a Go function's error.
      if (error instanceof GoTemplateError || isKilnError(error)) throw error;
      this.at(node);
      this.errorf(`error calling ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private validateType(value: unknown, type: ParamType | undefined): unknown {
    if (isNil(value)) {
      if (type === undefined || canBeNil(type)) return undefined;
      this.errorf(`invalid value; expected ${paramTypeName(type)}`);
    }
    if (type === undefined || isAssignable(value, type)) return value;
    let actual = value;
    if (actual instanceof GoInterface && !isNil(actual.inner)) {
      actual = actual.inner;
      if (isAssignable(actual, type)) return actual;
    }
    this.errorf(`wrong type for value; expected ${paramTypeName(type)}; got ${typeName(actual)}`);
  }

  private evalArg(dot: unknown, type: ParamType | undefined, node: ArgNode): unknown {
    this.at(node);
    switch (node.type) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (canBeNil(type)) return undefined;
        this.errorf(`cannot assign nil to ${paramTypeName(type!)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, node, [node], MISSING), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(node, undefined, MISSING), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, node), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, node, node, undefined, MISSING), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, node, undefined, MISSING), type);
    }
    switch (type) {
      case 'bool':
        if (node.type === 'bool') return node.value;
        this.errorf(`expected bool; found ${nodeString(node)}`);
      case 'float64':
        if (node.type === 'number' && node.value.isFloat) return new GoFloat(node.value.float);
        this.errorf(`expected float; found ${nodeString(node)}`);
      case 'int':
        if (node.type === 'number' && node.value.isInt) return goInt(node.value.int);
        this.errorf(`expected integer; found ${nodeString(node)}`);
      case 'string':
        if (node.type === 'string') return node.text;
        this.errorf(`expected string; found ${nodeString(node)}`);
      default:
        return this.evalEmptyInterface(dot, node);
    }
  }

  private evalEmptyInterface(dot: unknown, node: ArgNode): unknown {
    this.at(node);
    switch (node.type) {
      case 'bool':
        return node.value;
      case 'number':
        return this.idealConstant(node);
      case 'string':
        return node.text;
      default:
        this.errorf(`can't handle assignment of ${nodeString(node)} to empty interface argument`);
    }
  }

  private printValue(node: Node, value: unknown): void {
    this.at(node);
    if (kindOf(value) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${typeName(value)}`);
    this.out.text += isNil(value) ? '<no value>' : formatValue(value);
  }
}

export function executeTemplate(tmpl: ExecTemplate, data: unknown, funcs: GoFuncMap): string {
  const callables = new Map<string, Callable>(Object.entries(funcs).map(([name, fn]) => [name, toCallable(fn)]));
  const out = { text: '' };
  const state = new ExecState(tmpl, callables, tmpl.name, out, data, 0);
  const root = tmpl.trees.get(tmpl.name);
  if (root === undefined) return state.errorf(`${quote(tmpl.name)} is an incomplete or empty template`);
  try {
    state.walk(data, root);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new GoTemplateError('exec', `template: ${tmpl.name}: exceeded maximum template depth (${MAX_EXEC_DEPTH})`, {
        cause: error,
      });
    }
    throw error;
  }
  return out.text;
}
