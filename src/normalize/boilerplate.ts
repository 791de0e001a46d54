/**
 * Boilerplate in feed bodies: what a blog engine, a feed service or a site
 * template adds around every article (share buttons, comment counts, "Read
 * more" links, "The post … appeared first on …", feedburner and Reddit
 * footers, newsletter sign-ups, "Related:" link lists). It is no part of the
 * story, and republished it reads as noise in every entry.
 *
 * Rules:
 * - The rules are data (BOILERPLATE_RULES), each with why it is boilerplate.
 *   Kinds: `block`, a block whose whole text matches; `trailing-link`, a link
 *   whose whole text matches and that ends its block; `element`, an element
 *   named by its tag and an attribute (a class, a feed service's URL);
 *   `link-list`, a label ("Related:") followed by nothing but links, in the
 *   same block or as the next one.
 * - A block is an element that starts a paragraph (html.ts's block tags) or a
 *   run of inline content between two of them (Reddit's footer stands bare
 *   after the post's `<div>`). Whole blocks only: a sentence that mentions
 *   "read more about the deal" inside a paragraph is article text.
 * - Boilerplate is short: a block longer than BLOCK_TEXT_MAX characters is
 *   never boilerplate itself (its inner blocks still may be), which also bounds
 *   what each pattern runs on.
 * - An element left with no text and no media once its boilerplate is gone is
 *   removed too (a `<p>` that held only "Continue reading →").
 * - Plain-text bodies have no markup: `block` rules apply to their blocks.
 */
import { DomUtils } from 'htmlparser2';
import { isTag, isText, type AnyNode, type Document, type Element, type ParentNode } from 'domhandler';
import { BLOCK_TAGS, collapseWhitespace, nextInTree, readableText } from './html.js';
import { TRACKING_IMAGE_URL } from './media.js';

export type BoilerplateRule =
  | { name: string; kind: 'block' | 'trailing-link' | 'link-list'; pattern: RegExp }
  | { name: string; kind: 'element'; tags: readonly string[]; attribute?: string; pattern?: RegExp };

/** Social networks and share-button words, as share blocks list them. */
const SHARE_ITEM = String.raw`(?:twitter|x|facebook|linkedin|reddit|hacker news|e-?mail|print|whatsapp|telegram|pinterest|tumblr|pocket|flipboard|mastodon|bluesky|threads|xing|copy link|more|like this:?|like|loading(?:\.{3}|…)?|(?:click|tap) to (?:share on [\w.]+|email(?: a link to a friend)?|print)|\(opens in new window\))`;
const SHARE_SEP = String.raw`(?:\s*[,|·•/]\s*|\s+and\s+|\s+)`;
const SHARE_LABEL = String.raw`(?:share(?: this(?: (?:article|story|post|page))?| on| via)?|follow(?: us)?(?: on)?|like this)\s*:?`;
/** A comment count or a comment/read-more link, as post meta lines list them. */
const META_ITEM = String.raw`(?:(?:\d[\d,.]*k?|one|two|three|four|five) (?:comments?|responses?|replies)|no comments(?: yet)?|comments? \(\d+\)|leave a (?:comment|reply)|add (?:a|your) comment|post a comment|join the (?:discussion|conversation)|comments|permalink|read more|continue reading)`;
const META_SEP = String.raw`[\s|·•»›→…-]*`;
/** "Read more" and its variants, optionally naming the site ("… on Towards AI") or quoting the title, then arrows. */
const READ_MORE = String.raw`(?:read more|read the (?:full|rest of the|whole) (?:story|article|post|report)|read full (?:story|article|post)|continue reading|keep reading|view (?:the )?full article|\(more…\)|more…)(?:\s+(?:at|on|in)\s+[^.!?"“]{1,60}?)?(?:\s*["“][^"”]{1,200}["”])?[\s.…»›→>]*`;

export const BOILERPLATE_RULES: readonly BoilerplateRule[] = [
  // Share and follow blocks: "Share this: Twitter Facebook", Jetpack's "Click to share on X (Opens in new
  // window)" and "Like this: Like Loading...", a bare list of two or more networks. Prose naming networks
  // ("Facebook and LinkedIn both signed PPAs") goes on past the names and does not match.
  {
    name: 'share',
    kind: 'block',
    pattern: new RegExp(String.raw`^(?:${SHARE_LABEL}(?:${SHARE_SEP}?${SHARE_ITEM})*|${SHARE_ITEM}(?:${SHARE_SEP}${SHARE_ITEM})+)\s*$`, 'i'),
  },
  // Post meta lines: "3 Comments | Read more »", "No comments yet", "Leave a comment". Only such items and
  // separators: "3 comments from regulators were filed" is a sentence.
  { name: 'comments', kind: 'block', pattern: new RegExp(String.raw`^${META_SEP}${META_ITEM}(?:${META_SEP}${META_ITEM})*${META_SEP}$`, 'i') },
  // A block that is only a read-more link's text: the Guardian's "Continue reading...", Medium's
  // "Continue reading on Towards AI »", WordPress's 'Continue reading "Title" →'. "Read more about the
  // deal in our report." goes on and does not match.
  { name: 'read-more', kind: 'block', pattern: new RegExp(String.raw`^${READ_MORE}$`, 'i') },
  // The same text as a link at the end of a paragraph: "Lede text… <a>Read more »</a>".
  { name: 'read-more-link', kind: 'trailing-link', pattern: new RegExp(String.raw`^${READ_MORE}$`, 'i') },
  // WordPress themes mark their read-more link with this class, whatever its text (often the title in a
  // screen-reader span).
  { name: 'more-link', kind: 'element', tags: ['a'], attribute: 'class', pattern: /(?:^|\s)more-link(?:\s|$)/ },
  // Yoast SEO and others append "The post <title> appeared first on <site>." to every feed item.
  { name: 'appeared-first', kind: 'block', pattern: /^the post .{1,300}? (?:appeared first|first appeared) on .{1,150}$/i },
  // Reddit's footer: "submitted by /u/name [link] [533 comments]" (a bracketed link or count is required:
  // "Submitted by the operator" alone could be prose).
  {
    name: 'reddit-footer',
    kind: 'block',
    pattern: /^submitted by\s+\S+(?:\s+to\s+\S+)?(?=.*\[(?:link|(?:\d[\d,]*\s+)?comments?)\])(?:\s*\[link\])?(?:\s*\[(?:\d[\d,]*\s+)?comments?\])?$/i,
  },
  // Feedburner's FeedFlare block: share and count images under class "feedflare".
  { name: 'feedflare', kind: 'element', tags: ['div', 'p', 'span'], attribute: 'class', pattern: /(?:^|\s)feedflare(?:\s|$)/ },
  // Feedburner's flare and ad links (~ff/, ~a/) and its tracking images (~r/ views, ~ff/ buttons).
  { name: 'feedburner-link', kind: 'element', tags: ['a'], attribute: 'href', pattern: /^https?:\/\/feeds\.feedburner\.com\/~(?:ff|a|f)\//i },
  { name: 'feedburner-image', kind: 'element', tags: ['img'], attribute: 'src', pattern: /^https?:\/\/feeds\.feedburner\.com\/~(?:ff|r|a)\//i },
  // Tracking pixels by their URL (stats hosts, /pixel, /beacon.gif, spacer files: media.ts's TRACKING_IMAGE_RULES), whatever size they declare.
  { name: 'tracking-image', kind: 'element', tags: ['img'], attribute: 'src', pattern: TRACKING_IMAGE_URL },
  // Newsletter sign-ups: a call to sign up or subscribe that names the newsletter or the inbox, and
  // asks for the sign-up in so many words. "Subscribers to the newsletter…" starts with another word;
  // "Get ready: Gmail's inbox assistant now runs on TPUs" asks nobody to sign up.
  {
    name: 'newsletter',
    kind: 'block',
    pattern:
      /^(?=.*\b(?:sign(?:ing)?[ -]?up|subscribe|register|join)\b)(?:sign up|subscribe|join|get|want|never miss|stay (?:informed|up to date|ahead))\b.{0,200}\b(?:newsletters?|inbox|mailing list|email (?:updates|alerts|briefing))\b.{0,150}$/i,
  },
  // A form in a feed body is a sign-up or search box: it cannot work in a reader.
  { name: 'form', kind: 'element', tags: ['form'] },
  // "Related:" followed by links only, or a "Related articles" heading followed by a list of links.
  // "Related costs rose 12%" has text that is no link, and stays.
  {
    name: 'related-links',
    kind: 'link-list',
    pattern: /^(?:related(?: (?:articles?|stories|posts|coverage|reading|content|news))?|see also|read also|also read|further reading|more (?:on this|coverage|stories)|recommended(?: reading)?|you (?:may|might) also like)\s*:?/i,
  },
];

/** Longer blocks are never boilerplate themselves. */
const BLOCK_TEXT_MAX = 400;
/** Nor are blocks of more nodes (a share block of twenty networks has ~100): this bounds every walk of a block. */
const BLOCK_NODES_MAX = 1000;
/** Between items of a link list, or around a removed link. */
const SEPARATORS = /^[\s,;|·•–—\-»›→]*$/;
/** Elements whose text never shows (html.ts drops them from blocks too). */
const SILENT = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'math', 'head', 'textarea', 'select', 'button']);
/** Elements that are content without text. */
const MEDIA = new Set(['img', 'iframe', 'video', 'audio', 'picture', 'object', 'embed', 'hr']);

const BLOCK_RULES = BOILERPLATE_RULES.filter((r): r is BoilerplateRule & { kind: 'block' } => r.kind === 'block');
const LINK_RULES = BOILERPLATE_RULES.filter((r): r is BoilerplateRule & { kind: 'trailing-link' } => r.kind === 'trailing-link');
const LIST_RULES = BOILERPLATE_RULES.filter((r): r is BoilerplateRule & { kind: 'link-list' } => r.kind === 'link-list');
const ELEMENT_RULES = BOILERPLATE_RULES.filter((r): r is BoilerplateRule & { kind: 'element' } => r.kind === 'element');
/** Every tag an `element` rule names: most elements are none of them, and are passed over at once. */
const ELEMENT_TAGS = new Set(ELEMENT_RULES.flatMap((rule) => rule.tags));

/** The `block` rule a block's text matches, if any. */
export function boilerplateBlockRule(text: string): string | undefined {
  const clean = collapseWhitespace(text);
  if (!clean || clean.length > BLOCK_TEXT_MAX) return undefined;
  return BLOCK_RULES.find((rule) => rule.pattern.test(clean))?.name;
}

/** Plain-text blocks without the boilerplate ones. */
export function withoutBoilerplateBlocks(blocks: readonly string[]): string[] {
  return blocks.filter((block) => boilerplateBlockRule(block) === undefined);
}

function isBlock(node: AnyNode): node is Element {
  return isTag(node) && BLOCK_TAGS.has(node.name);
}

/**
 * The text of `nodes` as a reader sees it, collapsed; undefined once it runs
 * past `max` characters or BLOCK_NODES_MAX nodes. `outsideLinks`: only the
 * text that is not inside an `<a>`.
 */
function textOf(nodes: readonly AnyNode[], max: number, outsideLinks = false): string | undefined {
  const { text, complete } = readableText(nodes, max, { maxNodes: BLOCK_NODES_MAX, outsideLinks });
  return complete ? text : undefined;
}

function hasLink(nodes: readonly AnyNode[]): boolean {
  return nodes.some((node) => isTag(node) && (node.name === 'a' || DomUtils.existsOne((e) => e.name === 'a', node.children)));
}

/** A node that holds nothing a reader would see: no media, no text but in silent elements (stops at the first thing seen). */
function isBlank(node: AnyNode): boolean {
  for (let at: AnyNode | null = node; at; ) {
    let descend = false;
    if (isText(at)) {
      if (/\S/.test(at.data)) return false;
    } else if (isTag(at)) {
      if (MEDIA.has(at.name)) return false;
      descend = !SILENT.has(at.name);
    }
    at = nextInTree(at, node, descend);
  }
  return true;
}

/**
 * What a pass removes, applied at once (`flush`). DomUtils.removeElement
 * splices its parent's child list, so removing many children of one parent
 * one by one (or checking a parent of many blank children after each removal)
 * would cost their product; here each parent's list is rebuilt once a round.
 */
class Removals {
  private doomed = new Set<AnyNode>();
  /** Elements that lost a child: removed after the pass when left blank (`finish`). */
  private emptied = new Set<Element>();

  remove(nodes: readonly AnyNode[]): void {
    for (const node of nodes) this.doomed.add(node);
  }

  /** Removes `nodes`; their parent goes too when the pass leaves it blank. */
  removeWithEmptyParents(nodes: readonly AnyNode[]): void {
    this.remove(nodes);
    const parent = nodes[0]?.parent;
    if (parent && isTag(parent)) this.emptied.add(parent);
  }

  /** Takes the doomed nodes out of their parents' child lists, one rebuild per parent. */
  flush(): void {
    const parents = new Set<ParentNode>();
    for (const node of this.doomed) if (node.parent) parents.add(node.parent);
    for (const parent of parents) {
      const kept = parent.children.filter((child) => !this.doomed.has(child));
      for (const child of parent.children) {
        if (!this.doomed.has(child)) continue;
        child.parent = null;
        child.prev = null;
        child.next = null;
      }
      for (let i = 0; i < kept.length; i++) {
        kept[i]!.prev = kept[i - 1] ?? null;
        kept[i]!.next = kept[i + 1] ?? null;
      }
      parent.children = kept;
    }
    this.doomed = new Set();
  }

  /** Applies the removals, then removes every emptied element left blank and every ancestor (up to the document) that leaves blank. */
  finish(doc: Document): void {
    this.flush();
    // Round by round upwards (at most the DOM's depth): each round's removals are flushed together.
    for (let round = this.emptied; round.size; ) {
      const next = new Set<Element>();
      for (const element of round) {
        if (!attached(element, doc) || !element.children.every(isBlank)) continue;
        this.doomed.add(element);
        if (element.parent && isTag(element.parent)) next.add(element.parent);
      }
      this.flush();
      round = next;
    }
    this.emptied = new Set();
  }
}

/** A parent's children cut into blocks: each block element alone, each run of other nodes together. */
function blocksOf(parent: ParentNode): AnyNode[][] {
  const blocks: AnyNode[][] = [];
  let run: AnyNode[] = [];
  for (const child of parent.children) {
    if (isBlock(child)) {
      if (run.length) blocks.push(run);
      run = [];
      blocks.push([child]);
    } else run.push(child);
  }
  if (run.length) blocks.push(run);
  return blocks;
}

/** Whether `text` (after a list label) is only separators around links, and the block has a link. */
function isOnlyLinks(nodes: readonly AnyNode[], label: RegExp): boolean {
  if (!hasLink(nodes)) return false;
  const outside = textOf(nodes, BLOCK_TEXT_MAX, true);
  return outside !== undefined && SEPARATORS.test(outside.replace(label, ''));
}

/** The last `<a>` of a run when it ends the run (only separators after it, at every level), else undefined. */
function trailingLink(run: readonly AnyNode[]): Element | undefined {
  for (let i = run.length - 1; i >= 0; i--) {
    let node: AnyNode | undefined = run[i];
    // Descend along last children, skipping blank trailing nodes and separators.
    while (node) {
      if (isText(node)) {
        if (!SEPARATORS.test(node.data)) return undefined;
        node = undefined;
        break;
      }
      if (!isTag(node)) {
        node = undefined;
        break;
      }
      if (node.name === 'a') return node;
      if (SILENT.has(node.name) || node.name === 'br') {
        node = undefined;
        break;
      }
      const children: AnyNode[] = node.children.filter((c) => !(isText(c) && SEPARATORS.test(c.data)));
      node = children[children.length - 1];
    }
  }
  return undefined;
}

/** Removes the boilerplate blocks under `parent`, recursing into blocks that are not; true when something went. */
function removeBlocks(parent: ParentNode, removals: Removals): boolean {
  let removed = false;
  const blocks = blocksOf(parent);
  for (let b = 0; b < blocks.length; b++) {
    const nodes = blocks[b]!;
    const text = textOf(nodes, BLOCK_TEXT_MAX);
    if (text === '') continue;
    const block = nodes.length === 1 && isBlock(nodes[0]!) ? nodes[0] : undefined;
    if (text !== undefined) {
      if (BLOCK_RULES.some((rule) => rule.pattern.test(text))) {
        // A picture beside a read-more link is the article's: then only the link goes (share icons go with their block).
        if (!(hasMedia(nodes) && removeReadMoreLink(block ? block.children : nodes, removals))) removals.removeWithEmptyParents(nodes);
        removed = true;
        continue;
      }
      const list = LIST_RULES.find((rule) => rule.pattern.test(text));
      if (list) {
        const next = blocks[b + 1];
        if (isOnlyLinks(nodes, list.pattern)) {
          removals.removeWithEmptyParents(nodes);
          removed = true;
          continue;
        }
        // A label alone ("Related articles") heading a list of links.
        if (SEPARATORS.test(text.replace(list.pattern, '')) && next && isOnlyLinks(next, /^/)) {
          removals.remove(nodes);
          removals.removeWithEmptyParents(next);
          b++;
          removed = true;
          continue;
        }
      }
    }
    // A block with inner blocks, or too long to be boilerplate, is looked into; one without is a single run, checked above.
    if (block && (text === undefined || block.children.some(isBlock))) {
      if (removeBlocks(block, removals)) removed = true;
      continue;
    }
    if (removeReadMoreLink(block ? block.children : nodes, removals)) removed = true;
  }
  return removed;
}

/** Removes the link that ends a run when its text is a read-more link's (`trailing-link` rules); true when it went. */
function removeReadMoreLink(run: readonly AnyNode[], removals: Removals): boolean {
  const link = trailingLink(run);
  const linkText = link && textOf([link], BLOCK_TEXT_MAX);
  if (!link || !linkText || !LINK_RULES.some((rule) => rule.pattern.test(linkText))) return false;
  removeTrailingLink(link, removals);
  return true;
}

function hasMedia(nodes: readonly AnyNode[]): boolean {
  return nodes.some((node) => isTag(node) && (MEDIA.has(node.name) || DomUtils.existsOne((e) => MEDIA.has(e.name), node.children)));
}

/** Removes a read-more link with the separators right before it, and what that leaves blank. */
function removeTrailingLink(link: Element, removals: Removals): void {
  const before = link.prev;
  if (before && isText(before)) before.data = before.data.replace(/[\s|·•–—\-»›→]*$/, '');
  removals.removeWithEmptyParents([link]);
}

/** Removes the elements the `element` rules name; true when one went. */
function removeElements(doc: Document, removals: Removals): boolean {
  const found = DomUtils.findAll(
    (e) =>
      ELEMENT_TAGS.has(e.name) &&
      ELEMENT_RULES.some(
        (rule) => rule.tags.includes(e.name) && (!rule.attribute || (rule.pattern?.test(DomUtils.getAttributeValue(e, rule.attribute) ?? '') ?? true)),
      ),
    doc,
  );
  // A match inside another match goes with it.
  for (const element of found) removals.removeWithEmptyParents([element]);
  return found.length > 0;
}

function attached(node: AnyNode, doc: Document): boolean {
  let at: ParentNode | null = node.parent;
  while (at && at !== doc) at = at.parent;
  return at === doc;
}

/** Removes boilerplate from a parsed body; `doc` is changed in place. True when anything was removed. */
export function removeBoilerplate(doc: Document): boolean {
  const removals = new Removals();
  const elements = removeElements(doc, removals);
  // The blocks are read without the elements.
  removals.flush();
  const blocks = removeBlocks(doc, removals);
  removals.finish(doc);
  return blocks || elements;
}
