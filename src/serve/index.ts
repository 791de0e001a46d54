export * from './feedServer.js';
export * from './files.js';
export * from './fixtureServer.js';
