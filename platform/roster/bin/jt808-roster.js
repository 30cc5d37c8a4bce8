#!/usr/bin/env node
// The command is TypeScript compiled into dist/ by `npm run build`, which `npm ci` runs (prepare).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write(
    'jt808-roster: the platform is not built yet; run `npm run build` in the repository root.\n',
  );
  process.exitCode = 1;
}
