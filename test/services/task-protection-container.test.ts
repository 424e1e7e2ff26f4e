import { ChildProcess, spawn } from 'child_process';
import { EventEmitter } from 'events';
import { BUSY, Fakes, FREE } from './task-protection-support';
import { TASK_PROTECTION_SCRIPT } from '../../lib/services/private/task-protection-script';

// The sidecar's program as the container runs it (`node -e`, real timers), against the fakes served over HTTP on
// 127.0.0.1 (task-protection-support.ts). Waits are on events (a request, output), never on sleeps.

jest.setTimeout(30_000);

describe('task-protection sidecar script, run as the container runs it', () => {
  let fakes: Fakes;
  let child: ChildProcess | undefined;
  let output: string;
  const changes = new EventEmitter();

  /** Resolves when `condition` holds, checked at every request and every line of output (jest's timeout bounds it). */
  const until = (condition: () => boolean) => new Promise<void>(resolve => {
    const check = () => {
      if (!condition()) return;
      fakes.events.off('request', check);
      changes.off('output', check);
      resolve();
    };
    fakes.events.on('request', check);
    changes.on('output', check);
    check();
  });

  function run(env: Record<string, string>): ChildProcess {
    output = '';
    child = spawn(process.execPath, ['-e', TASK_PROTECTION_SCRIPT], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', chunk => { output += chunk; changes.emit('output'); });
    return child;
  }
  const exitCode = (proc: ChildProcess) => new Promise<number | null>(resolve => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', code => resolve(code));
  });

  beforeEach(async () => {
    fakes = new Fakes();
    await fakes.start();
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = exitCode(child);
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    await fakes.stop();
  });

  // A short poll for a quick test; the request timeout is the poll interval, so a slow answer is retried, not lost.
  const env = () => ({ ECS_AGENT_URI: fakes.agentUrl, METRICS_URL: fakes.metricsUrl, POLL_SECONDS: '0.2', EXPIRES_IN_MINUTES: '60' });

  test('protects a busy worker and clears the protection when it is free', async () => {
    run(env());
    fakes.metrics = { status: 200, body: BUSY };
    await until(() => output.includes('busy: protected for 60 min'));
    fakes.metrics = { status: 200, body: FREE };
    await until(() => output.includes('free: protection cleared'));
    expect(fakes.puts.map(put => put.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 60 }, { ProtectionEnabled: false }]);
  });

  test('SIGTERM ends it with exit code 0', async () => {
    fakes.metrics = { status: 500, body: 'starting' };
    const proc = run(env());
    await until(() => output.includes('protection unchanged'));
    const exited = exitCode(proc);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('off ECS (no ECS_AGENT_URI) it says so and exits 0', async () => {
    const proc = run({ METRICS_URL: fakes.metricsUrl });
    expect(await exitCode(proc)).toBe(0);
    expect(output).toContain('ECS_AGENT_URI is not set: not running on ECS, nothing to protect');
    expect(fakes.metricsRequests).toBe(0);
  });
});
