// Which external tools this machine has. Suites that need a tool use
// `describe.skipIf(missingTools('lvm'))`; test/run.mjs turns any skip into a failure under
// CI=true, because .ci/run installs every tool and nothing may skip there.

import { spawnSync } from 'node:child_process';

const cache = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  if (!cache.has(name)) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    cache.set(name, r.status === 0);
  }
  return cache.get(name)!;
}

/** True when any tool is missing (or when not root, for tools that need root). */
export function missingTools(...names: string[]): boolean {
  return names.some((n) => (n === 'root' ? process.getuid?.() !== 0 : !hasTool(n)));
}
