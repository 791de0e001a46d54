/**
 * Where the package's own files are (package.json, config.json, fixtures/):
 * the nearest folder above this module that holds a package.json. Found by
 * walking up rather than by a fixed `../..`, because this module runs both
 * as TypeScript (src/model/) and compiled (dist/src/model/), at different depths.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
