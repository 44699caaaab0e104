import { readFileSync, renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSystemError } from './system-error.js';

const thrown = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('formatSystemError', () => {
  it("words Node's file errors as Go's os package does", () => {
    expect(formatSystemError(thrown(() => readFileSync('/nonexistent/x')))).toBe('open /nonexistent/x: no such file or directory');
    expect(formatSystemError(thrown(() => renameSync('/nonexistent/a', '/nonexistent/b')))).toBe(
      'rename /nonexistent/a /nonexistent/b: no such file or directory',
    );
    expect(formatSystemError(thrown(() => readFileSync('/')))).toBe('read: is a directory');
  });

  it('keeps the message of anything else', () => {
    expect(formatSystemError(new Error('boom'))).toBe('boom');
    expect(formatSystemError('text')).toBe('text');
  });
});
