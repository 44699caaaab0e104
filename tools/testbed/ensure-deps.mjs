#!/usr/bin/env node
// Installs the system packages that the tests' real peers need (deps.json), before `npm test`.
// Fast when everything is there: it only looks for files, and runs no package manager at all.
// KILN_SKIP_ENSURE_DEPS=1 skips it (a machine without root, or a run that wants no changes).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** True when a file path exists, or a bare command name is an executable on PATH. */
export function isProvided(what, pathList = process.env.PATH ?? '') {
  const candidates = isAbsolute(what) ? [what] : pathList.split(delimiter).filter(Boolean).map((dir) => join(dir, what));
  return candidates.some((file) => {
    try {
      accessSync(file, isAbsolute(what) ? constants.F_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The requirements whose `provides` are not all present, grouped by package manager. */
export function missingRequirements(requirements, provided = isProvided) {
  const missing = {};
  for (const requirement of requirements) {
    if (requirement.provides.every((what) => provided(what))) continue;
    (missing[requirement.manager] ??= []).push(requirement);
  }
  return missing;
}

function run(argv, env = process.env) {
  console.log(`ensure-deps: ${argv.join(' ')}`);
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
  return result.status === 0;
}

const installers = {
  apt(packages) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // Waits for a dpkg lock another install holds instead of failing at once.
    const install = ['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...packages];
    if (run(install, env)) return true;
    // A fresh machine has no package lists yet (or stale ones): update once, then try again.
    return run(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update'], env) && run(install, env);
  },
  pip(packages) {
    return run(['python3', '-m', 'pip', 'install', '--quiet', ...packages]);
  },
};

function main() {
  if (process.env.KILN_SKIP_ENSURE_DEPS === '1') return 0;
  const { requirements } = JSON.parse(readFileSync(join(here, 'deps.json'), 'utf8'));
  const missing = missingRequirements(requirements);
  let failed = false;
  for (const [manager, wanted] of Object.entries(missing)) {
    const packages = wanted.map((requirement) => requirement.package);
    const installer = installers[manager];
    if (!installer) {
      console.error(`ensure-deps: no installer for '${manager}' (packages ${packages.join(', ')})`);
      failed = true;
      continue;
    }
    if (!installer(packages)) {
      failed = true;
      continue;
    }
    const stillMissing = missingRequirements(wanted)[manager] ?? [];
    for (const requirement of stillMissing) {
      console.error(`ensure-deps: ${requirement.package} installed but ${requirement.provides.join(', ')} still missing`);
      failed = true;
    }
  }
  if (failed) {
    console.error('ensure-deps: some test dependencies are missing (see above); as root, rerun, or set KILN_SKIP_ENSURE_DEPS=1');
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
