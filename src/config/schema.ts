/**
 * The config.json schema: the single definition of what a valid config is.
 *
 * Rules:
 * - Validated once, at load; every later stage trusts the typed result.
 * - Defaults live here, so a minimal config (sources + keywords) is enough.
 * - `config.schema.json` is generated from this schema (`infrawire schema`),
 *   and a test keeps the committed file equal to it.
 */
import { z } from 'zod';
import { curateSchema, watchRulesSchema, watchSchema } from './watchRules.js';

const httpUrl = z
  .string()
  .regex(/^https?:\/\//i, 'must be an http(s) URL')
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/** Names end up in file names and URLs, so they are slugs by construction. */
const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a slug: lower-case letters, digits and "-", at most 64 characters');

const cronExpression = z.string().min(1, 'must be a cron expression');

export const sourceSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  url: httpUrl,
  watch: watchRulesSchema.optional().describe('Extra watch rules for items of this source: its terms add to every feed\'s score, its excludes drop'),
  priority: z.number().int().min(-100).max(100).default(0).describe('Higher wins: the report a story cluster is published as, among reports first seen together'),
});

export const feedSchema = z.strictObject({
  name: slug.describe('File name stem and URL path: feeds/NAME.atom'),
  title: z.string().min(1, 'must not be empty'),
  subtitle: z.string().optional(),
  keywords: z
    .array(z.string().trim().min(1, 'must not be empty'))
    .optional()
    .describe('Watch keywords of this feed; defaults to watch.keywords'),
  maxEntries: z.number().int().min(1).max(1000).default(100),
  watch: watchRulesSchema.optional().describe('Watch rules of this feed (with keywords); when set, they replace the global watch rules for this feed'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  schedule: cronExpression.default('*/30 * * * *').describe('Cron expression (node-cron syntax, seconds optional)'),
  sources: z.array(sourceSchema).min(1, 'must list at least one source'),
  watch: watchSchema,
  curate: curateSchema,
  feeds: z
    .array(feedSchema)
    .min(1, 'must list at least one feed')
    .describe('Curated output feeds, published as feeds/NAME.atom'),
  publish: z
    .strictObject({
      dir: z.string().min(1).default('feeds').describe('Output directory, relative to the config file'),
      baseUrl: httpUrl.default('http://127.0.0.1:8080').describe('Public base URL the feeds are reached at (for self links)'),
      author: z.string().min(1).default('infrawire'),
    })
    .prefault({}),
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
    })
    .prefault({}),
  store: z
    .strictObject({
      path: z.string().min(1).default('data/infrawire.db').describe('SQLite file, relative to the config file'),
    })
    .prefault({}),
  fetch: z
    .strictObject({
      timeoutMs: z.number().int().min(100).max(600_000).default(20_000),
      concurrency: z.number().int().min(1).max(64).default(8),
      maxBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type FeedConfig = z.infer<typeof feedSchema>;

/** The JSON Schema published as config.schema.json for editors. */
export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
}
