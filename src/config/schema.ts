/**
 * The config.json schema: the single definition of what a valid config is.
 *
 * Rules:
 * - Validated once, at load; every later stage trusts the typed result.
 * - Defaults live here, so a minimal config (sources + keywords) is enough.
 * - Every problem is found in one pass (cron and unique names are refinements
 *   of their own fields), so a user fixes them all at once.
 * - `config.schema.json` is generated from this schema (`infrawire schema`),
 *   and a test keeps the committed file equal to it.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { isTimeZone } from '../lib/time.js';
import { curateSchema, keywordText, watchRulesSchema, watchSchema } from './watchRules.js';

/** An absolute http(s) URL: what a source's URL must be (config, `sources add`). */
export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const httpUrl = z.string().regex(/^https?:\/\//i, 'must be an http(s) URL').refine(isHttpUrl, 'must be an http(s) URL');

/** Names end up in file names and URLs, so they are slugs by construction. */
const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a slug: lower-case letters, digits and "-", at most 64 characters');

const cronExpression = z
  .string()
  .min(1, 'must be a cron expression')
  .superRefine((expr, ctx) => {
    const check = cron.validateDetailed(expr);
    if (!check.valid) ctx.addIssue({ code: 'custom', message: `"${expr}" is not a valid cron expression (${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` });
  });

/** Report every item whose name (compared through `key`) repeats another's. */
function uniqueBy<T extends { name: string }>(key: (item: T) => string, what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    items.forEach((item, i) => {
      if ((counts.get(key(item)) ?? 0) > 1) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${item.name}" is used by more than one ${what}` });
    });
  };
}

/** An IANA time zone name the runtime knows (checked through Intl, as node-cron uses it). */
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone name such as "UTC" or "Europe/Berlin"');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const sourceSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  url: httpUrl,
  timezone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone name such as "Europe/Berlin"')
    .optional()
    .describe('IANA time zone for dates this source writes without a zone; default UTC'),
  watch: watchRulesSchema.optional().describe('Extra watch rules for items of this source: its terms add to every feed\'s score, its excludes drop'),
  fullText: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .describe('Fetch each item\'s article page and use the extracted article as its body: "auto", only items a feed keeps whose body is a teaser; "always", every new item, before curation; "never"'),
  priority: z.number().int().min(-100).max(100).default(0).describe('Higher wins among reports first seen in the same cycle: the report a story cluster is published as, and the one kept when several sources carry the same URL'),
});

export const feedSchema = z.strictObject({
  name: slug.describe('File name stem and URL path: feeds/NAME.atom'),
  title: z.string().min(1, 'must not be empty'),
  subtitle: z.string().optional(),
  keywords: z
    .array(keywordText)
    .optional()
    .describe('Watch keywords of this feed; defaults to watch.keywords'),
  maxEntries: z.number().int().min(1).max(1000).default(100),
  watch: watchRulesSchema.optional().describe('Watch rules of this feed (with keywords); when set, they replace the global watch rules for this feed'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  schedule: cronExpression.default('*/30 * * * *').describe('Cron expression (node-cron syntax, seconds optional)'),
  timezone: timeZone.optional().describe('IANA time zone the schedule is read in (default: the system time zone)'),
  sources: z
    .array(sourceSchema)
    .min(1, 'must list at least one source')
    .superRefine(uniqueBy((s) => s.name.toLowerCase(), 'source')),
  watch: watchSchema,
  curate: curateSchema,
  feeds: z
    .array(feedSchema)
    .min(1, 'must list at least one feed')
    .superRefine(uniqueBy((f) => f.name, 'feed'))
    .describe('Curated output feeds, published as feeds/NAME.atom'),
  publish: z
    .strictObject({
      dir: z.string().min(1).default('feeds').describe('Output directory, relative to the config file'),
      baseUrl: httpUrl.default('http://127.0.0.1:8080').describe('Public base URL the feeds are reached at (for self links)'),
      author: z.string().min(1).default('infrawire'),
      hub: httpUrl
        .optional()
        .describe('WebSub hub URL: feeds carry rel="hub" and the hub is notified after each publish that changed a feed'),
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
      connectTimeoutMs: z.number().int().min(100).max(600_000).default(10_000).describe('Deadline for connecting and receiving the response headers'),
      perHostConcurrency: z.number().int().min(1).max(16).default(2).describe('Fetches at once to one host'),
      maxItems: z.number().int().min(1).max(100_000).default(500).describe('Items read from one fetch, the first ones in document order (feeds list the newest first); the rest are ignored and the summary says so'),
      minIntervalMinutes: z.number().min(0).max(10_080).default(15).describe('Shortest time between two checks of a source (the daemon polls only due sources; 0: every tick)'),
      maxIntervalMinutes: z.number().min(1).max(10_080).default(1440).describe('Longest time between two checks, whatever ttl/max-age/Expires/Retry-After ask'),
      backoffMaxMinutes: z.number().min(1).max(10_080).default(360).describe('Cap of the exponential backoff after consecutive failures'),
      jitter: z.number().min(0).max(1).default(0.1).describe('Random fraction added to each interval'),
      failingAlertHours: z.number().min(0).default(24).describe('A source failing for longer than this is flagged in `infrawire status` and the log'),
    })
    .prefault({}),
  pool: z
    .strictObject({
      size: z
        .number()
        .int()
        .min(0)
        .max(64)
        .optional()
        .describe('Worker threads that decode, parse and normalize fetched bodies (0: on the main thread); default: the available CPU cores less one (at least 1)'),
      taskTimeoutMs: z.number().int().min(100).max(600_000).default(60_000).describe('Longest one body may take to parse and normalize; past it the worker is stopped and replaced and that source fails'),
      maxMemoryMb: z.number().int().min(16).max(16_384).default(512).describe('Heap cap of each worker (MB): a body that needs more fails its source, not the process'),
    })
    .prefault({}),
  normalize: z
    .strictObject({
      generateFaqs: z
        .boolean()
        .default(true)
        .describe('Build an FAQ from the article\'s own sentences when it has none (marked as generated)'),
      iframeHosts: z
        .array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name such as "www.youtube.com"'))
        .default(['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com'])
        .describe('Hosts whose iframes (embedded videos) are kept in republished HTML; all other iframes are removed'),
      futureToleranceMinutes: z
        .number()
        .int()
        .min(0)
        .default(24 * 60)
        .describe('A date further than this ahead of the first-seen time is replaced by the first-seen time'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info').describe('Lowest level logged; the environment variable INFRAWIRE_LOG_LEVEL overrides it'),
    })
    .prefault({}),
  daemon: z
    .strictObject({
      shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(30_000).describe('On SIGINT/SIGTERM, how long fetches in flight may finish before the daemon publishes what is complete and exits'),
      watchConfig: z.boolean().default(true).describe('Reload the config when its file changes (SIGHUP always reloads)'),
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
