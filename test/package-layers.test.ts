import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The package map of CONTRIBUTING.md, checked on every import of every package's `src/`: which of
 * our packages each may import (and must declare), that a relative import never leaves its
 * package's folder (another package is reached through its entry, never its files), and that no
 * `src/` imports the test support. Launcher and bench may import everything and are not listed.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const MAY_IMPORT: Record<string, string[]> = {
  protocol: [],
  bus: [],
  'api-contract': [],
  gateway: ['protocol', 'bus'],
  simulators: ['protocol'],
  'platform/storage': ['protocol', 'bus', 'api-contract'],
  'platform/after-sales': ['storage', 'api-contract'],
  'platform/status': ['storage', 'after-sales', 'protocol', 'bus'],
  'platform/roster': ['storage', 'protocol'],
  'platform/api': ['storage', 'after-sales', 'roster', 'api-contract', 'protocol', 'bus'],
  'platform/server': ['storage', 'after-sales', 'status', 'api', 'protocol', 'bus'],
  console: ['api-contract'],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/g;

interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  text: string;
}

/** What breaks the map in one package's source files: one line per offending import. */
function layerViolations(
  packageDir: string,
  allowed: string[],
  declared: string[],
  files: SourceFile[],
): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const [, specifier] of file.text.matchAll(SPECIFIER)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) {
        const target = relative(packageDir, join(dirname(file.path), specifier));
        if (target.startsWith('..')) found.push(`${file.path}: '${specifier}' leaves ${packageDir}/`);
        continue;
      }
      const ours = /^@jt808\/([^/]+)/.exec(specifier)?.[1];
      if (ours === undefined) continue;
      const name = ours === 'platform' ? 'server' : ours;
      if (name === 'test-support') found.push(`${file.path}: src/ imports '${specifier}'`);
      else if (!allowed.includes(name))
        found.push(`${file.path}: ${packageDir} may not import '${specifier}'`);
      else if (!declared.includes(`@jt808/${ours}`))
        found.push(`${file.path}: '@jt808/${ours}' is not in ${packageDir}/package.json`);
    }
  }
  return found;
}

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(resolve(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
    .map((entry) => {
      const path = relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/');
      return { path, text: readFileSync(resolve(ROOT, path), 'utf8') };
    });
}

function declaredOf(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(resolve(ROOT, packageDir, 'package.json'), 'utf8'));
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
}

describe('the package map', () => {
  for (const [packageDir, allowed] of Object.entries(MAY_IMPORT)) {
    it(`${packageDir}/src imports only what CONTRIBUTING.md allows it, through their entries`, () => {
      const files = sourceFiles(`${packageDir}/src`);
      expect(files.length).toBeGreaterThan(0);
      expect(layerViolations(packageDir, allowed, declaredOf(packageDir), files)).toEqual([]);
    });
  }

  it('names every workspace of the platform', () => {
    const workspaces: string[] = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).workspaces;
    const mapped = workspaces.filter((dir) => !['launcher', 'bench', 'test-support'].includes(dir));
    expect(Object.keys(MAY_IMPORT).sort()).toEqual(mapped.sort());
  });

  it('catches a file reached past a package entry, an upward import, an undeclared one and test support', () => {
    const violations = layerViolations(
      'platform/after-sales',
      MAY_IMPORT['platform/after-sales']!,
      ['@jt808/storage'],
      [
        {
          path: 'platform/after-sales/src/tickets/x.ts',
          text: [
            "import { a } from '../../../storage/src/db/pool.js';",
            "import { b } from '../intake.js';",
            "import type { StatusEngine } from '@jt808/status';",
            "export { c } from '@jt808/api-contract';",
            "const d = await import('@jt808/platform');",
            "import { e } from '@jt808/test-support/two-centers';",
            "import { f } from '@jt808/storage';",
          ].join('\n'),
        },
      ],
    );
    expect(violations).toEqual([
      "platform/after-sales/src/tickets/x.ts: '../../../storage/src/db/pool.js' leaves platform/after-sales/",
      "platform/after-sales/src/tickets/x.ts: platform/after-sales may not import '@jt808/status'",
      "platform/after-sales/src/tickets/x.ts: '@jt808/api-contract' is not in platform/after-sales/package.json",
      "platform/after-sales/src/tickets/x.ts: platform/after-sales may not import '@jt808/platform'",
      "platform/after-sales/src/tickets/x.ts: src/ imports '@jt808/test-support/two-centers'",
    ]);
  });
});
