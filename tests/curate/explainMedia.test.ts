/**
 * `explain URL` shows an article's media: the entry image and where it came from,
 * and each enclosure with its type, size and duration (text and JSON).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { explainUrl } from '../../src/cli/explain.js';
import { rawTestConfig, ROOT, serveDir, tempDir } from '../helpers/env.js';

async function printed(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

describe('explain shows media', () => {
  const tmp = tempDir();
  const configPath = join(tmp.dir, 'config.json');
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const served = await serveDir(join(ROOT, 'fixtures/media'));
    stop = served.stop;
    writeFileSync(configPath, JSON.stringify(rawTestConfig(served.url, [['Rackcast', '/podcast.rss'], ['Northgrid', '/news-media.rss']])));
  });
  afterAll(async () => {
    await stop?.();
    tmp.cleanup();
  });

  it('prints the image and the enclosures of an item from the sources', async () => {
    const episode = await printed(() => explainUrl('https://rackcast.example/episodes/40', { config: configPath }));
    expect(episode).toContain(
      '  MEDIA   image https://media.rackcast.example/art/rc040.jpg (from the feed\'s media); ' +
        'enclosure https://dts.podtrac.example/redirect.mp3/media.rackcast.example/episodes/rc040.mp3 (audio/mpeg, 26453480 bytes, 2980 s); ' +
        'enclosure https://media.rackcast.example/episodes/rc040.ogg (audio/ogg, 23453480 bytes)',
    );
    const json = JSON.parse(await printed(() => explainUrl('https://northgrid.example/2026/11/alta-substation', { config: configPath, json: true })));
    expect(json.image).toEqual({ url: 'https://northgrid.example/wp-content/uploads/2026/11/alta-site.jpg', width: 1200, height: 675, from: 'body' });
    expect(json.enclosures).toBeUndefined();
  });
});
