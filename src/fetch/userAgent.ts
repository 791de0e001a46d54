/** The User-Agent every request carries: name, version and where to learn more (publishers look for it). */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../model/packageRoot.js';

const pkg = createRequire(import.meta.url)(join(PACKAGE_ROOT, 'package.json')) as { version: string; homepage: string };

export const VERSION = pkg.version;
export const USER_AGENT = `infrawire/${pkg.version} (+${pkg.homepage})`;
