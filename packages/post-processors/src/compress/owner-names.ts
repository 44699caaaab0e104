import { readFileSync } from 'node:fs';

let users: Map<number, string> | undefined;
let groups: Map<number, string> | undefined;

function readIds(path: string): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id !== undefined && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
    }
  } catch {
    // no such database here (Windows): names stay empty, as Go leaves them
  }
  return names;
}

/** The user and group names of numeric ids, as Go's tar.FileInfoHeader looks them up (files, no NSS). */
export function ownerNames(uid: number, gid: number): { uname: string; gname: string } {
  users ??= readIds('/etc/passwd');
  groups ??= readIds('/etc/group');
  return { uname: users.get(uid) ?? '', gname: groups.get(gid) ?? '' };
}
