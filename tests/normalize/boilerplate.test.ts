import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/model/index.js';
import { BOILERPLATE_RULES, boilerplateBlockRule, htmlToBlocks, parseHtml, removeBoilerplate, renderHtml, toArticle } from '../../src/normalize/index.js';
import { ROOT } from '../helpers/env.js';

const SOURCE = { name: 'PowerDesk', url: 'https://powerdesk.example/feed/', feedLink: 'https://powerdesk.example/' };
const FIRST_SEEN = new Date('2026-11-24T12:00:00Z');
const fixture = (name: string) => readFileSync(join(ROOT, 'fixtures/model', name), 'utf8');
const item = (over: Partial<ParsedItem>): ParsedItem => ({ authors: [], categories: [], title: 'Story', link: 'https://powerdesk.example/2026/11/story/', ...over });

/** The markup of `html` once its boilerplate is removed. */
function cleanedHtml(html: string): string {
  const { doc } = parseHtml(html);
  removeBoilerplate(doc);
  return renderHtml(doc);
}

/** The text blocks of `html` once its boilerplate is removed. */
function cleaned(html: string): string[] {
  return htmlToBlocks(cleanedHtml(html));
}

const LEDE = '<p>Nscale will add 52,000 GPUs at its Texas site under a new Microsoft contract, the company said on Monday.</p>';
const LEDE_TEXT = 'Nscale will add 52,000 GPUs at its Texas site under a new Microsoft contract, the company said on Monday.';

/**
 * Per rule: boilerplate as sources send it (each must go, the lede before it must stay) and
 * article text that looks like it (each must stay whole).
 */
const EXAMPLES: Record<string, { boilerplate: string[]; survives: string[] }> = {
  share: {
    boilerplate: [
      '<div class="sharedaddy"><h3>Share this:</h3><ul><li><a href="https://x.example/?share=twitter">Twitter</a></li><li><a href="https://x.example/?share=facebook">Facebook</a></li></ul></div>',
      '<div class="sd-social"><h3 class="sd-title">Share this:</h3><div><a href="#">Click to share on X (Opens in new window)</a> <a href="#">X</a> <a href="#">Click to share on LinkedIn (Opens in new window)</a> <a href="#">LinkedIn</a></div></div>',
      '<div class="sd-like"><h3>Like this:</h3><div><span>Like</span> <span>Loading...</span></div></div>',
      '<p>Follow us on LinkedIn, X and Bluesky</p>',
      '<p>Share this: <a href="https://x.example/?share=twitter"><img src="https://x.example/icons/twitter.png" alt="Twitter"></a> <a href="https://x.example/?share=linkedin"><img src="https://x.example/icons/linkedin.png" alt="LinkedIn"></a></p>',
    ],
    survives: [
      '<p>Facebook and LinkedIn both signed power purchase agreements with the utility this year.</p>',
      '<p>Share prices of Vertiv rose 9% after the cooling order.</p>',
    ],
  },
  comments: {
    boilerplate: [
      '<p><a href="https://x.example/a#comments">3 Comments</a> | <a href="https://x.example/a">Read more »</a></p>',
      '<p>No comments yet</p>',
      '<p><a href="https://x.example/a#respond">Leave a comment</a></p>',
    ],
    survives: ['<p>3 comments from grid regulators were filed before the hearing on the 300 MW campus.</p>'],
  },
  'read-more': {
    boilerplate: [
      '<a href="https://www.theguardian.example/technology/2026/nov/23/uk-ai-growth-zone">Continue reading...</a>',
      '<p class="medium-feed-link"><a href="https://medium.com/p/3f1a2b4c5d6e">Continue reading on Inference at Scale »</a></p>',
      '<p><a href="https://x.example/a">Continue reading “Nscale wins Microsoft contract” →</a></p>',
    ],
    survives: [
      '<p>Investors who want to read more about the deal can find the filing on the commission’s docket.</p>',
      '<p>Read more about the deal in our report on the Ohio campus from October.</p>',
    ],
  },
  'read-more-link': {
    boilerplate: ['<p>Lambda signed for 400 MW of solar and storage in Arizona… <a href="https://x.example/lambda">Read more »</a></p>'],
    survives: ['<p>Background on the Arizona grid: <a href="https://x.example/grid">read more about the deal</a></p>'],
  },
  'more-link': {
    boilerplate: [
      '<p>Arcadia commits $22 billion to a second Ohio fab. <a href="https://x.example/arcadia" class="more-link">Continue reading <span class="screen-reader-text">Arcadia commits $22 billion to a second Ohio fab</span></a></p>',
    ],
    survives: ['<p><a href="https://x.example/coverage" class="more-links-widget">All our fab coverage</a></p>'],
  },
  'appeared-first': {
    boilerplate: [
      '<p>The post <a href="https://x.example/a">Helios Data signs 500 MW nuclear deal</a> appeared first on <a href="https://x.example">PowerDesk</a>.</p>',
    ],
    survives: ['<p>The post-mortem appeared first on the company’s status page, then on its engineering blog.</p>'],
  },
  'reddit-footer': {
    boilerplate: [
      '&#32; submitted by &#32; <a href="https://www.reddit.com/user/gpu_janitor"> /u/gpu_janitor </a> <br/> <span><a href="https://www.reddit.com/r/LocalLLaMA/comments/1q2w3e/">[link]</a></span> &#32; <span><a href="https://www.reddit.com/r/LocalLLaMA/comments/1q2w3e/">[533 comments]</a></span>',
      '<p>submitted by <a href="https://www.reddit.com/user/rackmount">/u/rackmount</a> to <a href="https://www.reddit.com/r/datacenter/">r/datacenter</a> <a href="#">[link]</a> <a href="#">[12 comments]</a></p>',
    ],
    survives: ['<p>Submitted by the operator to the county in March, the plan covers 300 MW.</p>'],
  },
  feedflare: {
    boilerplate: ['<div class="feedflare"><a href="https://feeds.example/share?a=1"><img src="https://feeds.example/share.png?d=1" border="0"></a></div>'],
    survives: ['<div class="flare-stack-photo"><img src="https://cdn.powerdesk.example/flare-stack.jpg" alt="Gas flare at the plant"></div>'],
  },
  'feedburner-link': {
    boilerplate: ['<a href="http://feeds.feedburner.com/~ff/PowerDesk?a=Qm9vZ1x:abc"><b>Email this</b></a>'],
    survives: ['<p><a href="https://feeds.feedburner.com/PowerDesk">Subscribe to the PowerDesk feed</a> for the week’s grid filings.</p>'],
  },
  'feedburner-image': {
    boilerplate: ['<img src="http://feeds.feedburner.com/~r/PowerDesk/~4/Qm9vZ1x" alt="">'],
    survives: ['<figure><img src="https://cdn.powerdesk.example/bellmoor.jpg" alt="Bellmoor station"><figcaption>Bellmoor station</figcaption></figure>'],
  },
  'tracking-image': {
    boilerplate: [
      '<img src="https://pixel.wp.com/g.gif?blog=40112&post=981&host=gridline.example" alt="" width="6" height="5">',
      '<p><img src="https://stats.wordpress.com/b.gif?v=noscript" alt=""></p>',
      '<img src="https://news.example/track/open.gif?u=2261" alt="">',
      '<img src="/beacon.gif?story=tromso-hall" alt="">',
      '<img src="https://cdn.example/img/spacer.gif" alt="">',
    ],
    survives: [
      '<figure><img src="https://cdn.gridline.example/2026/11/pixel-art-mural.jpg" alt=""><figcaption>The pixel-art mural at the Tromsø hall</figcaption></figure>',
      '<figure><img src="https://cdn.gridline.example/tr/2026/izmir-campus.jpg" alt=""><figcaption>The Izmir campus from the air</figcaption></figure>',
    ],
  },
  newsletter: {
    boilerplate: [
      '<p>Sign up for The Rack Report, our weekly newsletter on data center power, and get it in your inbox every Friday.</p>',
      '<p><strong>Want the latest on AI infrastructure?</strong> Subscribe to our free newsletter.</p>',
    ],
    survives: [
      '<p>Subscribers to the operator’s newsletter learned of the outage a day early.</p>',
      '<p>Get ready: Gmail’s inbox assistant now runs on TPU v6 pods in three regions, Google said.</p>',
    ],
  },
  form: {
    boilerplate: ['<form action="https://x.example/subscribe"><label>Email address</label><input type="email" name="email"><button>Join</button></form>'],
    survives: ['<p>The form factor of the new racks leaves room for 132 kW of liquid cooling.</p>'],
  },
  'related-links': {
    boilerplate: [
      '<p><strong>Related:</strong> <a href="https://x.example/b">Ohio’s grid queue passes 80 GW</a></p>',
      '<h3>Related articles</h3><ul><li><a href="https://x.example/c">Nuclear PPAs, explained</a></li><li><a href="https://x.example/d">Who pays for substations</a></li></ul>',
    ],
    survives: [
      '<p>Related costs rose 12% as contractors added night shifts.</p>',
      '<p>Related: the utility also filed a rate case for <a href="https://x.example/e">its largest customers</a>.</p>',
    ],
  },
};

describe('BOILERPLATE_RULES', () => {
  it('has a realistic example and a look-alike that survives for every rule', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(BOILERPLATE_RULES.map((rule) => rule.name).sort());
  });

  for (const rule of BOILERPLATE_RULES) {
    const { boilerplate, survives } = EXAMPLES[rule.name] ?? { boilerplate: [], survives: [] };
    it(`${rule.name}: removes ${boilerplate.length} example(s), keeps the article text`, () => {
      for (const html of boilerplate) {
        if (rule.kind === 'trailing-link' || rule.name === 'more-link') {
          // The link goes; the text of its paragraph stays.
          const left = cleanedHtml(LEDE + html);
          expect(left).not.toContain('<a');
          expect(htmlToBlocks(left)).toEqual([LEDE_TEXT, htmlToBlocks(html)[0]!.replace(/\s*(?:Read more|Continue reading).*$/, '')]);
        } else expect(cleanedHtml(LEDE + html)).toBe(LEDE);
      }
    });
    it(`${rule.name}: keeps ${survives.length} look-alike(s) of article text`, () => {
      for (const html of survives) expect(cleaned(LEDE + html)).toEqual([LEDE_TEXT, ...htmlToBlocks(html)]);
    });
  }

  it('names the block rule a text matches, and none for prose', () => {
    expect(boilerplateBlockRule('3 Comments | Read more »')).toBe('comments');
    expect(boilerplateBlockRule('Continue reading...')).toBe('read-more');
    expect(boilerplateBlockRule('submitted by /u/gpu_janitor [link] [533 comments]')).toBe('reddit-footer');
    expect(boilerplateBlockRule('The hall runs on hydro power. Read more about the deal in our earlier report.')).toBeUndefined();
    // Long blocks are never boilerplate themselves.
    expect(boilerplateBlockRule(`Share this: ${'Twitter '.repeat(80)}`)).toBeUndefined();
  });
});

describe('removeBoilerplate on hostile bodies', () => {
  it('keeps the media a paragraph holds when its read-more link goes', () => {
    const html = cleanedHtml('<p><img src="https://cdn.powerdesk.example/bellmoor.jpg" alt="Bellmoor"> <a href="https://x.example/a">Continue reading →</a></p>');
    expect(html).toBe('<p><img src="https://cdn.powerdesk.example/bellmoor.jpg" alt="Bellmoor"></p>');
  });

  it('removes many blocks beside many blank ones, and walks deep nesting', () => {
    // Removing children one by one (and re-checking their parent after each) took ~50 s here:
    // a quadratic walk would run into the test timeout. Its speed is bench's to measure.
    const many = '<div>' + '<span></span>'.repeat(20_000) + '<p>Read more</p>'.repeat(20_000) + '<p>Nscale adds 52,000 GPUs.</p></div>';
    const deep = '<div><p>a</p>'.repeat(30_000);
    expect(cleaned(many)).toEqual(['Nscale adds 52,000 GPUs.']);
    expect(cleaned(deep)).toHaveLength(30_000);
  });
});

describe('clean bodies through toArticle', () => {
  it('publishes a WordPress article without share, like, comment, read-more, related, newsletter, form and "appeared first" blocks', () => {
    const article = toArticle(item({ contentHtml: fixture('boilerplate-wordpress.html') }), SOURCE, FIRST_SEEN)!;
    expect(article.paragraphs).toEqual([
      'Helios Data has signed a 20-year agreement to buy 500 MW from the Bellmoor nuclear station for its Ohio AI campus, the largest nuclear deal a data center operator has struck in the state.',
      "The first 150 MW flow in 2027. Investors who want to read more about the deal can find the filing on the utility commission's docket.",
      'Related costs, from transmission upgrades to a new substation, fall to Helios under the contract.',
    ]);
    expect(article.bodyHtml).not.toMatch(/Share this|Like this|Loading|Comments|Read more »|appeared first|newsletter|Email address|Related:/);
    expect(article.bodyHtml).toContain('Investors who want to read more about the deal');
  });

  it('drops boilerplate blocks from plain-text bodies too', () => {
    const body = 'Lambda has lined up 400 MW of solar and storage for its Arizona data center.\n\nThe project starts delivering in 2028.\n\nRead more »\n\n3 Comments';
    const article = toArticle(item({ contentHtml: body }), SOURCE, FIRST_SEEN)!;
    expect(article.paragraphs).toEqual(['Lambda has lined up 400 MW of solar and storage for its Arizona data center.', 'The project starts delivering in 2028.']);
  });

  it('reads a summary without its boilerplate', () => {
    const article = toArticle(
      item({
        contentHtml: '<p>Full text.</p>',
        summaryHtml: '<p>Tessellate Cloud opened on-demand B200 instances at $3.10 an hour.</p><p>The post <a href="#">B200s at $3.10</a> appeared first on <a href="#">Wire</a>.</p>',
      }),
      SOURCE,
      FIRST_SEEN,
    )!;
    expect(article.summary).toBe('Tessellate Cloud opened on-demand B200 instances at $3.10 an hour.');
  });

  it('removes feedburner\'s flare and view counter, keeping the article\'s own image', () => {
    const body =
      '<p>Vectrix Silicon has taped out its first inference accelerator on a 3nm process.</p><p><img src="https://cdn.powerdesk.example/vectrix-die.jpg" alt="Die shot"></p>' +
      '<div class="feedflare"><a href="http://feeds.feedburner.com/~ff/PowerDesk?a=Qm9vZ1x:Q1"><img src="http://feeds.feedburner.com/~ff/PowerDesk?d=yIl2AUoC8zA" border="0"></img></a> <a href="http://feeds.feedburner.com/~ff/PowerDesk?a=Qm9vZ1x:Q2"><img src="http://feeds.feedburner.com/~ff/PowerDesk?i=Qm9vZ1x:Q2:V_sGLiPBpWU" border="0"></img></a></div>' +
      '<img src="http://feeds.feedburner.com/~r/PowerDesk/~4/Qm9vZ1x" height="1" width="1" alt=""/>';
    const html = toArticle(item({ contentHtml: body }), SOURCE, FIRST_SEEN)!.bodyHtml!;
    expect(html).not.toContain('feedburner');
    expect(html).toContain('src="https://cdn.powerdesk.example/vectrix-die.jpg"');
  });

  it('removes Reddit\'s footer and keeps the post', () => {
    const body =
      '<!-- SC_OFF --><div class="md"><p>Our 8×H200 node keeps throttling at 70 °C inlet. Anyone running rear-door heat exchangers?</p></div><!-- SC_ON --> &#32; submitted by &#32; <a href="https://www.reddit.com/user/rackmount"> /u/rackmount </a> <br/> <span><a href="https://www.reddit.com/r/homelab/comments/9z8y7x/">[link]</a></span> &#32; <span><a href="https://www.reddit.com/r/homelab/comments/9z8y7x/">[41 comments]</a></span>';
    const article = toArticle(item({ contentHtml: body }), SOURCE, FIRST_SEEN)!;
    expect(article.paragraphs).toEqual(['Our 8×H200 node keeps throttling at 70 °C inlet. Anyone running rear-door heat exchangers?']);
    expect(article.bodyHtml).not.toContain('submitted');
  });
});
