import { ChildProcess, spawn } from 'child_process';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { Duration } from 'aws-cdk-lib';
import { protectionMinutes } from '../lib/services/components/task-protection';
import { TASK_PROTECTION_SCRIPT } from '../lib/services/components/task-protection-script';

// The sidecar's program, run for real with Node.js against a fake ECS agent and a fake Prometheus endpoint.

interface Fake {
  readonly server: Server;
  readonly url: string;
}

async function serve(handler: (req: IncomingMessage, body: string) => { status: number; body: string }): Promise<Fake> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => { body += chunk; });
    req.on('end', () => {
      const answer = handler(req, body);
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

const BUSY = '# HELP queued_tasks_worker_busy Worker busy status\nqueued_tasks_worker_busy{pod="x"} 1\n';
const FREE = 'queued_tasks_worker_utilization_rate 0\nqueued_tasks_worker_busy 0\n';

describe('task-protection sidecar script', () => {
  let metrics: { status: number; body: string };
  let agentAnswer: { status: number; body: string };
  let puts: Array<{ ProtectionEnabled: boolean; ExpiresInMinutes?: number }>;
  let fakes: Fake[];
  let child: ChildProcess | undefined;
  let output: string;

  beforeEach(async () => {
    metrics = { status: 200, body: FREE };
    agentAnswer = { status: 200, body: '{"protection":{"ProtectionEnabled":true}}' };
    puts = [];
    output = '';
    const agent = await serve((req, body) => {
      if (req.method === 'PUT' && req.url === '/task-protection/v1/state') puts.push(JSON.parse(body));
      return agentAnswer;
    });
    const prometheus = await serve(() => metrics);
    fakes = [agent, prometheus];
    child = spawn(process.execPath, ['-e', TASK_PROTECTION_SCRIPT], {
      env: {
        PATH: process.env.PATH,
        ECS_AGENT_URI: agent.url,
        METRICS_URL: `${prometheus.url}/prometheus/queued-tasks`,
        POLL_SECONDS: '0.05',
        EXPIRES_IN_MINUTES: '60',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', chunk => { output += chunk; });
    child.stderr!.on('data', chunk => { output += chunk; });
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    // Node's fetch keeps connections alive: drop them, or close() waits for them.
    await Promise.all(fakes.map(fake => new Promise(resolve => {
      fake.server.close(resolve);
      fake.server.closeAllConnections();
    })));
  });

  test('a free worker is never protected', async () => {
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(puts).toEqual([]);
    expect(output).not.toMatch(/protected/);
  });

  test('busy sets protection with the expiry, free clears it, once each', async () => {
    metrics = { status: 200, body: BUSY };
    await until(() => puts.length === 1, 'protection');
    expect(puts[0]).toEqual({ ProtectionEnabled: true, ExpiresInMinutes: 60 });
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(puts).toHaveLength(1); // not renewed before half the expiry

    metrics = { status: 200, body: FREE };
    await until(() => puts.length === 2, 'release');
    expect(puts[1]).toEqual({ ProtectionEnabled: false });
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(puts).toHaveLength(2);
  });

  test('metrics endpoint errors change nothing, and the sidecar keeps polling', async () => {
    metrics = { status: 200, body: BUSY };
    await until(() => puts.length === 1, 'protection');
    metrics = { status: 500, body: 'down' };
    await until(() => output.includes('metrics unavailable, protection unchanged: HTTP 500'), 'the error log');
    metrics = { status: 200, body: 'some_other_metric 1\n' };
    await until(() => output.includes('no queued_tasks_worker_busy'), 'the missing-metric log');
    expect(puts).toHaveLength(1); // still protected: a worker whose metrics fail may be busy
    metrics = { status: 200, body: FREE };
    await until(() => puts.length === 2, 'release after recovery');
    expect(puts[1]).toEqual({ ProtectionEnabled: false });
  });

  test('an agent failure is retried at the next poll', async () => {
    agentAnswer = { status: 200, body: '{"failure":{"Reason":"TASK_NOT_VALID"}}' };
    metrics = { status: 200, body: BUSY };
    await until(() => puts.length >= 2, 'a retry');
    expect(output).toMatch(/TASK_NOT_VALID/);
    agentAnswer = { status: 200, body: '{"protection":{"ProtectionEnabled":true}}' };
    const before = puts.length;
    await until(() => output.includes('busy: protected for 60 min'), 'success');
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(puts.length).toBe(before + 1); // stops retrying once protected
  });

  test('SIGTERM ends it with exit code 0', async () => {
    metrics = { status: 500, body: 'starting' };
    await until(() => output.includes('protection unchanged'), 'the first poll');
    const exited = new Promise<number | null>(resolve => child!.once('exit', code => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('protection expiry', () => {
  test('covers the longest queued task plus 10 minutes, within the 2,880 minutes ECS accepts', () => {
    expect(protectionMinutes(Duration.seconds(3000))).toBe(60);
    expect(protectionMinutes(Duration.seconds(3001))).toBe(61);
    expect(protectionMinutes(Duration.hours(72))).toBe(2880);
  });
});
