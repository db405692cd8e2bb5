import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of docs/architecture.md, checked through the project's own eslint config.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['shared/workflow/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['shared/workflow/x.ts', "import path from 'path';\nexport const a = path;"],
    ['shared/workflow/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['shared/workflow/x.ts', "import { useState } from 'react';\nexport const a = useState;"],
    ['shared/workflow/x.ts', "import { x } from '../../electron/core/plugin-host';\nexport const a = x;"],
    ['electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/core/x.ts', "import { x } from '../../renderer/main';\nexport const a = x;"],
    ['renderer/x.ts', "import { x } from '../electron/core/plugin-host';\nexport const a = x;"],
    ['renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
  ])('%s refuses %s', async (file, code) => {
    expect(await ruleMessages(file, code)).toHaveLength(1);
  });

  it.each([
    ['shared/workflow/x.ts', "import { z } from 'zod';\nimport { a } from '../yaml/y';\nexport const b = [z, a];"],
    ['electron/core/x.ts', "import fs from 'node:fs';\nimport { a } from '../../shared/workflow/catalog';\nexport const b = [fs, a];"],
    ['renderer/x.ts', "import { a } from '../shared/api';\nexport const b = a;"],
    ['electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;"],
  ])('%s allows %s', async (file, code) => {
    expect(await ruleMessages(file, code)).toEqual([]);
  });
});
