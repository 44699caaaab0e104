import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy.js';

const proxy = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), env)?.href;

describe('proxyFor (Go http.ProxyFromEnvironment)', () => {
  it.each([
    ['http://10.0.0.5:5985/wsman', { HTTP_PROXY: 'proxy.corp:3128' }, 'http://proxy.corp:3128/'],
    ['http://10.0.0.5:5985/wsman', { http_proxy: 'http://user:pw@proxy.corp:3128' }, 'http://user:pw@proxy.corp:3128/'],
    ['https://10.0.0.5:5986/wsman', { HTTPS_PROXY: 'http://proxy.corp:3128' }, 'http://proxy.corp:3128/'],
    ['https://10.0.0.5:5986/wsman', { HTTP_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['http://127.0.0.1:5985/wsman', { HTTP_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['http://localhost:5985/wsman', { HTTP_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['http://win.corp.example:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: 'corp.example' }, undefined],
    ['http://win.corp.example:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: '.example' }, undefined],
    ['http://corp.example:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: 'other.example, *' }, undefined],
    ['http://10.0.0.5:5985/wsman', { HTTP_PROXY: 'p:1', no_proxy: '10.0.0.0/8' }, undefined],
    ['http://10.0.0.5:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: '10.0.0.5:5985' }, undefined],
    ['http://10.0.0.5:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: '10.0.0.5:80' }, 'http://p:1/'],
    ['http://badexample.com:5985/wsman', { HTTP_PROXY: 'p:1', NO_PROXY: 'example.com' }, 'http://p:1/'],
  ])('%s with %j goes through %s', (url, env, expected) => {
    expect(proxy(url, env)).toBe(expected);
  });
});
