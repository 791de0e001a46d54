import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { normalizeOptions } from '../../src/normalize/index.js';
import { rawTestConfig } from '../helpers/env.js';
import { articleFrom } from '../helpers/articles.js';

const FILE = join('/tmp', 'config.json');

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw, FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('normalize settings', () => {
  it('default to generated FAQs on, the common video hosts and a 24 h future tolerance', () => {
    const config = parseConfig(rawTestConfig('http://127.0.0.1:1'), FILE);
    expect(config.normalize).toEqual({
      generateFaqs: true,
      iframeHosts: ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com'],
      futureToleranceMinutes: 1440,
    });
    expect(normalizeOptions(config.normalize, config.sources[0]!)).toEqual({
      futureToleranceMs: 86_400_000,
      generateFaqs: true,
      iframeHosts: ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com'],
    });
  });

  it('take a per-source IANA time zone and refuse unknown ones, naming the path', () => {
    const raw = rawTestConfig('http://127.0.0.1:1', [['A', '/a.rss'], ['B', '/b.rss']]);
    const sources = raw['sources'] as Record<string, unknown>[];
    sources[0]!['timezone'] = 'America/Chicago';
    expect(normalizeOptions(parseConfig(raw, FILE).normalize, { timezone: 'America/Chicago' }).timezone).toBe('America/Chicago');
    sources[1]!['timezone'] = 'Mars/Olympus';
    expect(problems(raw)).toEqual(['sources[1].timezone: must be an IANA time zone name such as "Europe/Berlin"']);
  });

  it('refuse bad values, naming the path', () => {
    const raw = rawTestConfig('http://127.0.0.1:1', undefined, {
      normalize: { generateFaqs: 'yes', iframeHosts: ['https://www.youtube.com/'], futureToleranceMinutes: -1 },
    });
    const lines = problems(raw);
    expect(lines.some((l) => l.startsWith('normalize.generateFaqs:'))).toBe(true);
    expect(lines).toContain('normalize.iframeHosts[0]: must be a host name such as "www.youtube.com"');
    expect(lines.some((l) => l.startsWith('normalize.futureToleranceMinutes:'))).toBe(true);
  });

  it('apply the future tolerance: beyond it a date becomes first-seen', () => {
    // first seen is 2026-11-20T12:00Z (tests/helpers/articles.ts)
    const soon = { published: '2026-11-20T13:00:00Z' };
    expect(articleFrom('<p>x</p>', { futureToleranceMs: 2 * 3_600_000 }, soon).published).toBe('2026-11-20T13:00:00.000Z');
    expect(articleFrom('<p>x</p>', { futureToleranceMs: 30 * 60_000 }, soon).published).toBe('2026-11-20T12:00:00.000Z');
  });
});
