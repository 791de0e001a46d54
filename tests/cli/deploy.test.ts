/**
 * Deployment files: the systemd unit passes `systemd-analyze verify` (when
 * the tool is installed), and the Dockerfile's config step turns the
 * repository's config.json into a valid container config. (No Docker engine
 * runs here: the image itself is not built by the tests.)
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launcherNodeFlags } from '../../src/cli/launcher.js';
import { loadConfig } from '../../src/config/index.js';
import { ROOT, tempDir } from '../helpers/env.js';

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const UNIT = join(ROOT, 'deploy/infrawire.service');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('deployment files', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it.skipIf(!hasSystemdAnalyze)('the systemd unit verifies', async () => {
    const r = await promisify(execFile)('systemd-analyze', ['verify', UNIT], { timeout: 60_000 }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(r.out.split('\n').filter((l) => l.includes('infrawire.service'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the unit runs the daemon with SIGHUP reload, SIGTERM stop longer than the drain, no restart on exit 2', () => {
    const unit = readFileSync(UNIT, 'utf8');
    // node with the launcher's own options (its first line), then the launcher.
    const start = unit.match(/^ExecStart=\/usr\/bin\/node (.*) \/opt\/infrawire\/bin\/infrawire\.js daemon --config \/etc\/infrawire\/config\.json$/m);
    expect(start?.[1]?.split(' ')).toEqual(launcherNodeFlags());
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    const stopSec = Number(unit.match(/^TimeoutStopSec=(\d+)$/m)?.[1]);
    expect(stopSec * 1000).toBeGreaterThan(30_000); // daemon.shutdownTimeoutMs default
  });

  it('every path the Dockerfile copies from the build context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const copied = [...DOCKERFILE.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'bin', 'src']));
    for (const path of copied) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(ignored, path).not.toContain(path);
    }
  });

  it("the Dockerfile's config step makes a valid config with the container's paths and address", async () => {
    const step = DOCKERFILE.match(/node -e '([\s\S]*?)' "\$PUBLIC_URL"/)?.[1];
    expect(step).toBeDefined();
    const out = join(tmp.dir, 'config.json');
    const script = step!.replace(/\\\n/g, '').replace('"/config/config.json"', JSON.stringify(out)); // docker joins continued lines
    await promisify(execFile)(process.execPath, ['-e', script, 'https://feeds.example.org'], { cwd: ROOT, timeout: 30_000 });
    const config = loadConfig(out);
    expect(config.store.path).toBe('/data/infrawire.db');
    expect(config.publish).toMatchObject({ dir: '/feeds', baseUrl: 'https://feeds.example.org' });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.sources).toEqual(loadConfig(join(ROOT, 'config.json')).sources);
  });
});
