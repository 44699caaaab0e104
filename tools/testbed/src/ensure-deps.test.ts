import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProvided, missingRequirements, type Requirement } from '../ensure-deps.mjs';

describe('ensure-deps', () => {
  it('finds commands on PATH only when executable, and absolute files as they are', () => {
    const bin = mkdtempSync(join(tmpdir(), 'kiln-deps-'));
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
    writeFileSync(join(bin, 'data'), '');
    chmodSync(join(bin, 'tool'), 0o755);
    expect(isProvided('tool', bin)).toBe(true);
    expect(isProvided('data', bin)).toBe(false);
    expect(isProvided(join(bin, 'data'))).toBe(true);
    expect(isProvided('tool', '/nonexistent')).toBe(false);
    rmSync(bin, { recursive: true, force: true });
  });

  it('groups what is missing by package manager', () => {
    const requirements: Requirement[] = [
      { manager: 'apt', package: 'present', provides: ['a', 'b'] },
      { manager: 'apt', package: 'half', provides: ['a', 'gone'] },
      { manager: 'pip', package: 'py', provides: ['gone-too'] },
    ];
    const missing = missingRequirements(requirements, (what) => !what.startsWith('gone'));
    expect(Object.fromEntries(Object.entries(missing).map(([manager, list]) => [manager, list.map((r) => r.package)]))).toEqual({
      apt: ['half'],
      pip: ['py'],
    });
  });

  it('lists openssh-server and openssh-client for startSshd', () => {
    const { requirements } = JSON.parse(readFileSync(new URL('../deps.json', import.meta.url), 'utf8')) as { requirements: Requirement[] };
    const sshd = requirements.find((requirement) => requirement.package === 'openssh-server');
    expect(sshd).toMatchObject({ manager: 'apt', provides: ['/usr/sbin/sshd'] });
    expect(requirements.find((requirement) => requirement.package === 'openssh-client')?.provides).toContain('ssh-keygen');
  });
});
