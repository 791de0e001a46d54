// The worker thread's entry: registers tsx so the TypeScript sources load the
// same way under bin/infrawire.js, the bench and vitest (whose own transform
// does not reach worker threads), then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
