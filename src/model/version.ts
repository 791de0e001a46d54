/** infrawire's version and home page, from package.json: in the User-Agent, the feeds' generator, and every fingerprint of derived data. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './packageRoot.js';

const pkg = createRequire(import.meta.url)(join(PACKAGE_ROOT, 'package.json')) as { version: string; homepage: string };

export const VERSION = pkg.version;
export const HOMEPAGE = pkg.homepage;
