export * from './feedServer.js';
export * from './files.js';
export * from './fixtureServer.js';
export * from './health.js';
export * from './opml.js';
export * from './statusPage.js';
