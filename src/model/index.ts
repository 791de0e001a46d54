export type * from './article.js';
export type * from './parsed.js';
export type * from './logger.js';
