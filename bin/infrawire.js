#!/usr/bin/env -S node --max-old-space-size=1024
// The first line holds infrawire's Node options (src/cli/launcher.ts says why
// the heap ceiling): running this file itself (npx infrawire, bin/infrawire.js)
// applies them; npm start, the container and the systemd unit, which start node
// themselves, pass the same ones (a test holds them equal).
// Runs the compiled build (dist/, written by `npm run build`, which `npm ci`
// runs) when it is newer than every source file; otherwise the TypeScript
// sources through tsx, so an edited tree never runs stale output. Both are the
// same code; the build loads without tsx, which saves about 40 MB per thread
// and most of a parse worker's start-up.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCES = fileURLToPath(new URL('../src/', import.meta.url));
const BUILT = new URL('../dist/src/cli/main.js', import.meta.url);

function newestChange(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const builtPath = fileURLToPath(BUILT);
if (existsSync(builtPath) && statSync(builtPath).mtimeMs >= newestChange(SOURCES)) {
  await import(BUILT.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
