// Proves that the dependency rule of DESIGN §2 is enforced by the build: ESLint (our
// `lvmscope/layering` rule plus the no-DOM/no-Node globals) rejects deliberately wrong
// imports placed in each folder, and accepts the right ones. Files are linted as text under
// a virtual path, so nothing wrong ever sits in the tree.

import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.message);
}

describe('the layering rule', () => {
  it.each([
    ['app/dm/bad.ts', "import { readFile } from 'node:fs';\nexport const f = readFile;"],
    ['app/dm/bad.ts', "import fs from 'fs';\nexport const f = fs;"],
    ['app/dm/bad.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['app/dm/bad.ts', "import { x } from '../../main/node/x';\nexport const y = x;"],
    ['app/dm/bad.ts', "import { x } from '../../renderer/x';\nexport const y = x;"],
    ['app/dm/bad.ts', "import React from 'react';\nexport const y = React;"],
    ['renderer/views/Bad.ts', "import { x } from '../../app/dm/registry';\nexport const y = x;"],
    ['renderer/views/Bad.ts', "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;"],
    ['renderer/views/Bad.ts', "import { x } from '../../main/serve/server';\nexport const y = x;"],
    ['renderer/views/Bad.ts', "import fs from 'node:fs';\nexport const y = fs;"],
  ])('rejects %s importing what it must not (%#)', async (file, code) => {
    const errors = await lint(file, code);
    expect(errors.some((m) => m.startsWith('layering:'))).toBe(true);
  });

  it('rejects host globals in the engine', async () => {
    const errors = await lint('app/dm/bad.ts', 'export const t = () => setTimeout(() => 0, 1) + Math.random() + Date.now();');
    expect(errors.length).toBe(3);
  });

  it.each([
    ['app/dm/good.ts', "import { assert } from '../base/assert';\nimport { z } from 'zod';\nexport const y = [assert, z];"],
    ['renderer/views/Good.ts', "import type { X } from '../../app/api/x';\nimport { create } from 'zustand';\nexport type Y = X;\nexport const c = create;"],
    ['main/node/good.ts', "import { readFile } from 'node:fs';\nimport { assert } from '../../app/base/assert';\nexport const y = [readFile, assert];"],
    ['test/app/good.test.ts', "import { x } from '../../main/node/x';\nexport const y = x;"],
  ])('accepts %s importing what it may', async (file, code) => {
    const errors = await lint(file, code);
    expect(errors.filter((m) => m.startsWith('layering:'))).toEqual([]);
  });
});
