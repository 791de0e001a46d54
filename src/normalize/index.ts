/** The normalize stage: pure functions turning parsed feed items into the article model. */
export * from './html.js';
export * from './faq.js';
export * from './faqHtml.js';
export * from './summary.js';
export * from './date.js';
export * from './url.js';
export * from './sanitize.js';
export * from './figures.js';
export * from './generatedFaq.js';
export * from './toArticle.js';
export * from './linkRules.js';
export * from './boilerplate.js';
export * from './excerpt.js';
export * from './clean.js';
export * from './media.js';
