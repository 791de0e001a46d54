/** Running the real `infrawire` command in a child process, bounded in time. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './env.js';

export const BIN = join(ROOT, 'bin/infrawire.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI to completion (killed and rejected after `timeoutMs`). */
export function cli(args: string[], timeoutMs = 30_000, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`infrawire ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
