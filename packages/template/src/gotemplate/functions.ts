// Template functions as callers supply them. Go checks a call against the function's parameter
// types (`expected integer; found "x"`, `wrong number of args for split: want 3 got 2`), so a
// function may declare its Go signature; without one it takes any number of values of any type.

/** A template function. Throwing fails the execution, as a Go function returning an error does. */
export type GoFunc = (...args: unknown[]) => unknown;

/** The Go types a declared parameter may have: they decide which arguments Go accepts. */
export type GoParamType = 'string' | 'int' | 'float64' | 'bool' | 'any';

export interface GoTypedFunc {
  /** The fixed parameters, in order. */
  readonly params: readonly GoParamType[];
  /** The type of a trailing `...` parameter, when the function is variadic. */
  readonly variadic?: GoParamType;
  readonly fn: GoFunc;
}

export type GoFuncMap = Readonly<Record<string, GoFunc | GoTypedFunc>>;

/** Declares a function with Go parameter types: `typedFunc(['string', 'int'], (s, n) => ...)`. */
export function typedFunc(params: readonly GoParamType[], fn: GoFunc, variadic?: GoParamType): GoTypedFunc {
  return variadic === undefined ? { params, fn } : { params, variadic, fn };
}

/** The names a parser must accept for a function map. */
export function goFuncNames(funcs: GoFuncMap): ReadonlySet<string> {
  return new Set(Object.keys(funcs));
}
