/** The curation commands as a user runs them: real child processes of bin/infrawire.js. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openLockedStore } from '../../src/store/index.js';
import { ROOT, rawTestConfig, startFixtureServer, tempDir } from '../helpers/env.js';

const run = (args: string[]) => promisify(execFile)(process.execPath, [join(ROOT, 'bin/infrawire.js'), ...args], { cwd: ROOT, timeout: 60_000 });

describe('infrawire run --dry-run, explain, keywords, sources', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let config: string;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    config = join(tmp.dir, 'config.json');
    writeFileSync(config, JSON.stringify(rawTestConfig(fixtures.url, [['Infra Wire JSON', '/wire.json']], { watch: { keywords: ['Nscale', 'B200'] } }), null, 2));
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('run --dry-run prints decisions and writes nothing; explain finds the item among the sources', async () => {
    const dry = await run(['run', '--dry-run', '--config', config]);
    expect(dry.stdout).toMatch(/KEPT {4}ai-infrastructure: score \d+; kept/);
    expect(dry.stdout).toMatch(/DROPPED ai-infrastructure: score 0; dropped: no watch term matched/);
    expect(readdirSync(tmp.dir)).toEqual(['config.json']);
    const explained = await run(['explain', 'https://computewire.example/2026/11/24/tessellate-cloud-on-demand-b200', '--config', config]);
    expect(explained.stdout).toContain('(found in the sources)');
    expect(explained.stdout).toMatch(/B200 \(weight 1, score 3\): title "B200"/);
    const listed = await run(['keywords', 'list', '--config', config]);
    expect(listed.stdout).toBe('Nscale\nB200\n');
    const exported = await run(['sources', 'export', '--config', config]);
    expect(exported.stdout).toContain(`xmlUrl="${fixtures.url}/wire.json"`);
  }, 120_000);

  it('keywords add while a daemon holds the store: the config is edited, the daemon applies it on reload', async () => {
    await run(['run', '--config', config]);
    const held = openLockedStore(loadConfig(config).store.path); // what a running daemon holds
    try {
      const added = await run(['keywords', 'add', 'GPU cloud', '--config', config]);
      expect(added.stdout).toContain(`the running daemon (pid ${process.pid}) applies the new rules when it reloads the config`);
      expect(JSON.parse(readFileSync(config, 'utf8')).watch.keywords).toEqual(['Nscale', 'B200', 'GPU cloud']);
    } finally {
      held.close();
    }
    const again = await run(['keywords', 'remove', 'GPU cloud', '--config', config]);
    expect(again.stdout).not.toContain('running daemon');
  }, 120_000);
});
