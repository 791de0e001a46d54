/**
 * The Node/V8 options infrawire runs with, as the launcher's first line has
 * them (`bin/infrawire.js`: `#!/usr/bin/env -S node FLAGS`, what a direct
 * `bin/infrawire.js` or `npx infrawire` applies). `npm start`, the container
 * and the systemd unit start node themselves (so they need no `env -S`) with
 * the same options, held equal by tests; the bench starts infrawire with them,
 * as it measures infrawire as it runs.
 *
 * Why a heap ceiling (`--max-old-space-size=1024`): between major collections
 * V8 lets a heap grow to up to 4x its live size when the ceiling is 2 GB or
 * more (Node's default here is ~4 GB), and to at most 1.3x (256 MB ceiling)
 * to 2x (2 GB), 1.6x at 1 GB. infrawire's main thread holds ~20-30 MB live,
 * yet its heap reached ~110 MB, mostly garbage, during a 1,000-source cycle;
 * with the ceiling the process's peak RSS there fell from a median of 294 to
 * 238 MB, the changed and next-item cycles as fast (bench/, 2026-11-29; a few
 * more collections made the 60-80 ms cycle of 304s at 100 sources ~20% slower).
 * 1 GB is twice the memory budget of the whole process at 10,000 sources
 * (issue 7: 512 MB), so that budget is exceeded long before the ceiling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../model/packageRoot.js';

const LAUNCHER = join(PACKAGE_ROOT, 'bin/infrawire.js');

const SHEBANG = /^#!\/usr\/bin\/env -S node((?: +--?[\w-]+(?:=\S+)?)*) *$/;

/** The options on the launcher's `#!/usr/bin/env -S node …` line (e.g. `['--max-old-space-size=1024']`). */
export function launcherNodeFlags(path = LAUNCHER): string[] {
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  const m = SHEBANG.exec(first);
  if (!m) throw new Error(`${path}: the first line must be "#!/usr/bin/env -S node [--option...]", not ${JSON.stringify(first)}`);
  return m[1]!.trim().split(/ +/).filter(Boolean);
}
