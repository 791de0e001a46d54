export type * from './article.js';
export type * from './parsed.js';
export type * from './logger.js';
export type * from './source.js';
export type * from './feedEntry.js';
export type * from './cycle.js';
export type * from './page.js';
