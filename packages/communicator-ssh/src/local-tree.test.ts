import { describe, expect, it } from 'vitest';
import { globMatcher } from './local-tree.js';

describe('globMatcher', () => {
  it.each([
    ['*.log', 'a.log', true],
    ['*.log', 'dir/a.log', false],
    ['**/*.log', 'dir/sub/a.log', true],
    ['dir/?.txt', 'dir/a.txt', true],
    ['dir/?.txt', 'dir/ab.txt', false],
    ['.git', '.git', true],
    ['a+b(c)', 'a+b(c)', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globMatcher(pattern)(path)).toBe(expected);
  });
});
