/** The User-Agent every request carries: name, version and where to learn more (publishers look for it). */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string; homepage: string };

export const VERSION = pkg.version;
export const USER_AGENT = `infrawire/${pkg.version} (+${pkg.homepage})`;
