/**
 * The FAQ across outlets (src/curate/storyFaq.ts) and a story's figures ranked
 * across outlets (src/curate/storyFigures.ts): on hand-written reports, and
 * through a whole cycle over fixtures/storyfaq (one story told by three
 * outlets) with a real SQLite store, checking the Atom, RSS and JSON Feed output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ADDS_QUESTION, AGREE_QUESTION, MAX_ADDED_FACTS, MAX_FACTS_PER_REPORT, storyFaqs, storyFigures, type StoryLead } from '../../src/curate/index.js';
import type { CoverageReport, FeedEntry, Figure } from '../../src/model/index.js';
import { extractFigures } from '../../src/normalize/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, serveDir, tempDir, validateAtom } from '../helpers/env.js';
import { feedEntries } from '../helpers/store.js';

/** A report as the store reads it, its figures read from its own text the way normalize does. */
function report(outlet: string, paragraphs: string[], title = paragraphs[0]!): CoverageReport {
  const slug = outlet.toLowerCase().replace(/\W+/g, '-');
  return {
    url: `https://${slug}.example/story`,
    title,
    source: slug,
    outlet,
    published: '2026-12-01T14:00:00.000Z',
    summary: paragraphs[0]!,
    paragraphs,
    figures: extractFigures([title, ...paragraphs]).slice(0, 8),
  };
}

function lead(paragraphs: string[], title: string): StoryLead {
  return {
    title,
    summary: paragraphs[0]!,
    paragraphs,
    url: 'https://ledger.example/story',
    source: { name: 'ledger', url: 'https://ledger.example/feed', feedTitle: 'The Ledger' },
    figures: extractFigures([title, ...paragraphs]).slice(0, 8),
  };
}

const LEAD = lead(
  ['Nscale raised $1.1 billion in a round that values the company at $14.6 billion.', 'The money pays for a 300 MW campus in Norway that opens in 2027.'],
  'Nscale raises $1.1 billion',
);

describe('What do other reports add?', () => {
  it('lists, per outlet by its feed title, a figure the lead lacks and a sentence it does not say', () => {
    const other = report('Grid Post', [
      'Nscale raised $1.1 billion for its Norwegian campus.',
      'The company also took a $300 million loan from Nordbank to buy transformers.',
      'Statnett has not yet approved the substation that the campus needs before it can connect.',
    ]);
    const [adds, ...rest] = storyFaqs(LEAD, [other]);
    expect(rest).toEqual([]);
    expect(adds).toEqual({
      question: ADDS_QUESTION,
      generated: true,
      facts: [
        { text: 'The company also took a $300 million loan from Nordbank to buy transformers.', figure: expect.objectContaining({ display: '$300 million' }), outlet: 'Grid Post', source: 'grid-post', url: 'https://grid-post.example/story' },
        { text: 'Statnett has not yet approved the substation that the campus needs before it can connect.', outlet: 'Grid Post', source: 'grid-post', url: 'https://grid-post.example/story' },
      ],
    });
  });

  it('asks nothing when the other reports only retell the lead', () => {
    expect(storyFaqs(LEAD, [report('Grid Post', ['Nscale raised $1.1 billion at a $14.6 billion valuation.', 'The money pays for a 300 MW campus in Norway.'])])).toEqual([]);
    expect(storyFaqs(LEAD, [])).toEqual([]);
  });

  it(`at most ${MAX_FACTS_PER_REPORT} facts a report and ${MAX_ADDED_FACTS} in all; what one outlet added is not added again`, () => {
    const news = [
      ['Statnett must still approve the substation near Stord.', 'Fishermen in Sunnhordland fear warm water from the cooling loop.'],
      ['Siemens Energy will deliver the transformers from its Trondheim plant.', 'The county mayor called the project a lifeline for shipyard workers.'],
      ['Local unions signed a framework deal covering construction crews.', 'Heat from the halls will warm greenhouses on the island of Tysnes.'],
      ['Two Oslo pension funds joined the round at the last minute.', 'Bergen University will get free research hours on the cluster.'],
      ['A ferry link to the island needs upgrading before heavy loads arrive.', 'Insurers asked for extra fire barriers between the halls.'],
    ];
    const reports = news.map(([a, b], n) => report(`Outlet ${n}`, ['Nscale raised $1.1 billion.', a!, b!, 'Fishermen in Sunnhordland fear warm water from the cooling loop.']));
    reports.push(report('Late Wire', ['Nscale raised $1.1 billion.', 'Statnett must still approve the substation near Stord.']));
    const [adds] = storyFaqs(LEAD, reports);
    expect(adds!.facts).toHaveLength(MAX_ADDED_FACTS);
    const perOutlet = new Map<string, number>();
    for (const f of adds!.facts) perOutlet.set(f.outlet, (perOutlet.get(f.outlet) ?? 0) + 1);
    expect([...perOutlet.values()].every((n) => n <= MAX_FACTS_PER_REPORT)).toBe(true);
    // Outlet 0 said it first: the others' copies add nothing.
    expect(adds!.facts.filter((f) => f.text.startsWith('Fishermen')).map((f) => f.outlet)).toEqual(['Outlet 0']);
    expect([...perOutlet.keys()]).toEqual(['Outlet 0', 'Outlet 1', 'Outlet 2']);
  });
});

describe('Do the reports agree?', () => {
  it('names who says what when two outlets state different values of one quantity ($14.6B vs $15B valuation)', () => {
    const other = report('Grid Post', ['Nscale closed a $1.1 billion round at a $15 billion valuation, people familiar said.']);
    const faqs = storyFaqs(LEAD, [other]);
    expect(faqs.map((f) => f.question)).toEqual([AGREE_QUESTION]);
    expect(faqs[0]!.facts.map((f) => [f.outlet, f.figure?.display, f.text])).toEqual([
      ['The Ledger', '$14.6 billion', 'Nscale raised $1.1 billion in a round that values the company at $14.6 billion.'],
      ['Grid Post', '$15 billion', 'Nscale closed a $1.1 billion round at a $15 billion valuation, people familiar said.'],
    ]);
  });

  it('compares only the same quantity: a loan is not the round, one growth rate not another', () => {
    const leadText = lead(['Revenue rose 12% in the quarter, Vantor said.', 'It raised $2 billion in a new round.'], 'Vantor revenue rises');
    const other = report('Grid Post', ['Shares rose 4% in early trading after Vantor reported.', 'Vantor also took a $500 million loan from its banks.']);
    expect(storyFaqs(leadText, [other]).map((f) => f.question)).toEqual([ADDS_QUESTION]);
  });

  it('compares the only figure of its kind each outlet states, however worded', () => {
    const leadText = lead(['Meridian AI signed a deal for 600 MW of nuclear power from Calvert Ridge.'], 'Meridian AI nuclear deal');
    const other = report('Grid Post', ['Meridian AI will buy 650 MW from Calvert Ridge over twenty years.']);
    const [agree] = storyFaqs(leadText, [other]).filter((f) => f.question === AGREE_QUESTION);
    expect(agree!.facts.map((f) => `${f.outlet}: ${f.figure!.display}`)).toEqual(['The Ledger: 600 MW', 'Grid Post: 650 MW']);
  });

  it('an outlet stating two values of one quantity is ambiguous: not asked', () => {
    const other = report('Grid Post', ['Nscale\'s valuation rose from $10 billion in March to a $15 billion valuation now.']);
    expect(storyFaqs(LEAD, [other]).some((f) => f.question === AGREE_QUESTION)).toBe(false);
  });
});

describe('figures ranked across outlets', () => {
  const fig = (display: string): Figure => extractFigures([display])[0]!;

  it('the lead\'s figures repeated by more other outlets first; the lead\'s order among equals; never more than 8', () => {
    const own = ['$2 billion', '$14.6 billion', '300 MW', '40,000 GPUs'].map(fig);
    const others = [[fig('40,000 H100 GPUs'), fig('$2,000 million'), fig('$2,000 million')], [fig('40,000 GPUs'), fig('300 megawatts')]];
    expect(storyFigures(own, others).map((f) => f.display)).toEqual(['40,000 GPUs', '$2 billion', '300 MW', '$14.6 billion']);
    expect(storyFigures(own, []).map((f) => f.display)).toEqual(['$2 billion', '$14.6 billion', '300 MW', '40,000 GPUs']);
    const many = Array.from({ length: 8 }, (_, n) => fig(`${n + 1}00 MW`));
    expect(storyFigures(many, [[many[7]!]])[0]).toBe(many[7]);
    expect(storyFigures(many, [[many[7]!]])).toHaveLength(8);
  });
});

describe('a story told by three outlets, through a whole cycle', () => {
  const DIR = join(ROOT, 'fixtures/storyfaq');
  const tmp = tempDir();
  let stop: () => Promise<void>;
  let entries: FeedEntry[];
  let feeds: string;

  beforeAll(async () => {
    const served = await serveDir(DIR);
    stop = served.stop;
    const config = parseConfig(
      {
        sources: [
          { name: 'hudson', url: `${served.url}/hudsonledger.rss`, priority: 5, fullText: 'never' },
          { name: 'boreal', url: `${served.url}/borealinfra.rss`, fullText: 'never' },
          { name: 'chipside', url: `${served.url}/chipside.rss`, fullText: 'never' },
        ],
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'compute', title: 'Compute' }],
        publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000 },
        pool: { size: 0 },
      },
      join(tmp.dir, 'config.json'),
    );
    feeds = config.publish.dir;
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store, { now: () => new Date('2026-12-01T18:00:00Z') });
      entries = await feedEntries(store, 'compute', 20);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await stop();
    tmp.cleanup();
  });

  const vantor = () => entries.find((e) => e.article.title.includes('Vantor'))!.article;

  it('merges the three reports under the Hudson Ledger lead; the unrelated stories get no FAQ across outlets', () => {
    expect(entries.filter((e) => e.article.title.includes('Vantor'))).toHaveLength(1);
    expect(vantor().source.feedTitle).toBe('Hudson Ledger');
    expect(vantor().related.map((r) => r.outlet)).toEqual(['Boreal Infrastructure Report', 'Chipside Daily']);
    const others = entries.filter((e) => !e.article.title.includes('Vantor'));
    expect(others).toHaveLength(3);
    for (const e of others) expect(e.article.storyFaqs).toBeUndefined();
  });

  it('answers what the other outlets add, two facts each at most, in their own words', () => {
    const adds = vantor().storyFaqs!.find((f) => f.question === ADDS_QUESTION)!;
    expect(adds.facts.map((f) => [f.outlet, f.figure?.display, f.text])).toEqual([
      ['Boreal Infrastructure Report', '$2.40 per GPU-hour', 'The company plans to rent the 40,000 GPUs to model developers at about $2.40 per GPU-hour, undercutting the list prices of the large clouds.'],
      ['Boreal Infrastructure Report', undefined, 'Hydro-Québec still has to approve the campus\'s grid connection, a review that can take up to eighteen months.'],
      ['Chipside Daily', '$400 million', 'The site is designed for 300 MW, and the company has also secured a $400 million loan from Banque Laurentienne to fund the first building.'],
      ['Chipside Daily', undefined, 'Dufour told Chipside the chips would be Nvidia GB300 accelerators cooled with water drawn from the Saint-Maurice river.'],
    ]);
  });

  it('says who puts the valuation at $14.6 billion and who at $15 billion', () => {
    const agree = vantor().storyFaqs!.find((f) => f.question === AGREE_QUESTION)!;
    expect(agree.facts.map((f) => [f.outlet, f.figure?.display])).toEqual([
      ['Hudson Ledger', '$14.6 billion'],
      ['Boreal Infrastructure Report', '$15 billion'],
    ]);
    expect(agree.generated).toBe(true);
  });

  it('ranks the lead\'s figures by how many outlets repeat them, and reads "$2-billion" as $2 billion', () => {
    expect(vantor().figures.map((f) => f.display)).toEqual(['$2 billion', '40,000 GPUs', '300 MW', '$14.6 billion']);
  });

  it('renders the FAQ across outlets in Atom, RSS and JSON Feed; the Atom stays valid and the JSON matches its schema', async () => {
    const atom = readFileSync(join(feeds, 'compute.atom'), 'utf8');
    expect(atom).toContain('Across outlets (generated by infrawire from the reports’ own sentences)');
    expect(atom).toContain('<dt>Do the reports agree? <small>[generated]</small></dt>');
    expect(atom).toContain('<li><a href="https://borealinfra.example/news/vantor-compute-2-billion-round">Boreal Infrastructure Report</a>: $15 billion (“Montreal-based');
    expect(readFileSync(join(feeds, 'compute.rss'), 'utf8')).toContain('What do other reports add?');
    const result = await validateAtom(join(feeds, 'compute.atom'));
    expect(result.code, result.output).toBe(0);

    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/json-feed-extension.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajvFormats.default(ajv);
    const valid = ajv.compile(schema);
    const items = (JSON.parse(readFileSync(join(feeds, 'compute.json'), 'utf8')) as { items: { title: string; _infrawire: { article: { storyFaqs?: unknown[] } } }[] }).items;
    for (const item of items) expect(valid(item._infrawire), JSON.stringify(valid.errors)).toBe(true);
    const json = items.find((i) => i.title.includes('Vantor'))!._infrawire.article;
    expect(json.storyFaqs).toEqual(vantor().storyFaqs);
    expect(items.filter((i) => i._infrawire.article.storyFaqs)).toHaveLength(1);
  });
});
