// Packer 1.6.6's template functions (interpolate/funcs.go), with their Go signatures, so that a
// bad call fails as it does in Packer, and their exact results and error texts.

import { KilnError } from '@kiln/sdk';
import path from 'node:path';
import { typedFunc, type GoFuncMap } from '../gotemplate/functions.js';
import { readBuildData } from './build-data.js';
import type { InterpolationContext } from './context.js';
import { RFC3339, formatGoTime } from './go-time-format.js';
import { goReplace, goSplit, goToLower, goToUpper } from './go-strings.js';
import { strftime } from './strftime.js';
import { timeOrderedUuid } from './uuid.js';

/** Packer's error text when a user variable references one that is not set (yet). */
export const VARIABLE_NOT_SET = 'Error: variable not set:';

function notImplemented(name: string): KilnError {
  return new KilnError('TEMPLATE_INTERPOLATION', `the ${name} template function is not implemented in Kiln yet`, {
    hint: 'Pass the value with -var or -var-file instead.',
  });
}

/** Packer's templateCleanAMIName: every byte outside [A-Za-z0-9()[] ./-'@_] becomes `-`. */
export function cleanResourceName(name: string): string {
  return [...Buffer.from(name, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9()[\] ./\-'@_]/.test(c) ? c : '-';
    })
    .join('');
}

/** The functions the amazon builders add to their configs (Packer's awscommon.TemplateFuncs). */
export const AMAZON_TEMPLATE_FUNCS: GoFuncMap = {
  clean_resource_name: typedFunc(['string'], (name) => cleanResourceName(name as string)),
};

function available(value: string | undefined, error: string): string {
  if (value === undefined || value === '') throw new Error(error);
  return value;
}

/** The functions of Packer's FuncGens, bound to a context. */
export function packerFunctions(ctx: InterpolationContext): GoFuncMap {
  const env = ctx.env ?? process.env;
  const onlyInVariables = (error: string): void => {
    if (!ctx.enableEnv) throw new Error(error);
  };
  return {
    build_name: typedFunc([], () => available(ctx.buildName, 'build_name not available')),
    build_type: typedFunc([], () => available(ctx.buildType, 'build_type not available')),
    env: typedFunc(['string'], (key) => {
      onlyInVariables('env vars are not allowed here');
      return env[key as string] ?? '';
    }),
    isotime: typedFunc(
      [],
      (...format) => {
        if (format.length === 0) return formatGoTime(ctx.initTime, RFC3339);
        if (format.length > 1) throw new Error(`too many values, 1 needed: [${format.join(' ')}]`);
        return formatGoTime(ctx.initTime, format[0] as string);
      },
      'string',
    ),
    strftime: typedFunc(['string'], (format) => strftime(format as string, ctx.initTime)),
    pwd: typedFunc([], () => ctx.cwd ?? process.cwd()),
    split: typedFunc(['string', 'string', 'int'], (text, sep, index) => {
      const parts = goSplit(text as string, sep as string);
      const i = index as number;
      if (parts.length <= i) {
        throw new Error(
          `the substring ${i} was unavailable using the separator value, ${sep}, only ${parts.length} values were found`,
        );
      }
      // A negative index makes Go panic; the template engine reports it as an error.
      if (i < 0) throw new Error(`runtime error: index out of range [${i}]`);
      return parts[i];
    }),
    template_dir: typedFunc([], () => {
      const templatePath = available(ctx.templatePath, 'template path not available');
      return path.resolve(ctx.cwd ?? process.cwd(), path.dirname(templatePath));
    }),
    timestamp: typedFunc([], () => String(Math.floor(ctx.initTime.getTime() / 1000))),
    uuid: typedFunc([], () => timeOrderedUuid()),
    user: typedFunc(['string'], (key) => {
      const name = key as string;
      const known = Object.prototype.hasOwnProperty.call(ctx.userVariables, name);
      // While variables render, an unknown reference fails so that it is retried on a later pass.
      if (ctx.enableEnv && !known) throw new Error(`${VARIABLE_NOT_SET} ${name}`);
      return known ? ctx.userVariables[name] : '';
    }),
    packer_version: typedFunc([], () => available(ctx.packerVersion, 'packer_version not available')),
    consul_key: typedFunc(['string'], () => {
      onlyInVariables('consul_key is not allowed here');
      throw notImplemented('consul_key');
    }),
    vault: typedFunc(['string', 'string'], () => {
      onlyInVariables('Vault vars are only allowed in the variables section');
      throw notImplemented('vault');
    }),
    sed: typedFunc(['string', 'string'], () => {
      throw new Error(
        'template function `sed` is deprecated use `replace` or `replace_all` instead.' +
          'Documentation: https://www.packer.io/docs/templates/engine',
      );
    }),
    build: typedFunc(['string'], (key) => readBuildData(ctx.buildData, key as string)),
    aws_secretsmanager: typedFunc(
      [],
      (...secret) => {
        onlyInVariables('AWS Secrets Manager is only allowed in the variables section');
        if (secret.length === 0) throw new Error('secret name must be provided');
        if (secret.length > 2) throw new Error('only secret name and optional secret key can be provided.');
        throw notImplemented('aws_secretsmanager');
      },
      'string',
    ),
    replace: typedFunc(['string', 'string', 'int', 'string'], (oldText, newText, n, src) =>
      goReplace(src as string, oldText as string, newText as string, n as number),
    ),
    replace_all: typedFunc(['string', 'string', 'string'], (oldText, newText, src) =>
      goReplace(src as string, oldText as string, newText as string, -1),
    ),
    upper: typedFunc(['string'], (s) => goToUpper(s as string)),
    lower: typedFunc(['string'], (s) => goToLower(s as string)),
  };
}
