#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step, no stale output.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
