import { ChildProcess, spawn } from 'child_process';
import { EventEmitter } from 'events';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { createContext, runInContext } from 'vm';
import { Duration } from 'aws-cdk-lib';
import { DEFAULT_QUEUED_TASK_TIME, TASK_PROTECTION_POLL } from '../../lib/services/private/defaults';
import { protectionMinutes } from '../../lib/services/private/task-protection';
import { TASK_PROTECTION_SCRIPT } from '../../lib/services/private/task-protection-script';

// The sidecar's program against a fake ECS agent and a fake Prometheus endpoint (real HTTP on 127.0.0.1), in two ways:
// - on a virtual clock, with the production timing (a poll every 5 s, 60 minutes of protection): the script runs in a
//   context whose Date and setTimeout are the test's, so hours pass in a few thousand polls, one poll per tick, and
//   every time asserted is exact, however loaded the machine;
// - as the container runs it (`node -e`, real timers) for what only a process shows: it protects and clears for real,
//   exits 0 on SIGTERM, and does nothing off ECS.
// Waits are on events (a tick's end, a request, output), never on sleeps.

const BUSY = '# HELP queued_tasks_worker_busy Worker busy status\nqueued_tasks_worker_busy{pod="x"} 1\n';
const FREE = 'queued_tasks_worker_utilization_rate 0\nqueued_tasks_worker_busy 0\n';
const PROTECTED = '{"protection":{"ProtectionEnabled":true}}';
/** What the container gets with the default MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS (task-protection.ts). */
const POLL_MS = TASK_PROTECTION_POLL.toMilliseconds();
const EXPIRES_IN_MINUTES = protectionMinutes(DEFAULT_QUEUED_TASK_TIME);
const EXPIRY_MS = EXPIRES_IN_MINUTES * 60_000;
const MINUTE = 60_000;

// Hours of virtual time take a second or so of real time; more on a loaded machine.
jest.setTimeout(30_000);

interface Answer {
  readonly status: number;
  readonly body: string;
}

interface Put {
  /** Virtual milliseconds since the sidecar started (the real-process tests leave it 0). */
  readonly at: number;
  readonly body: { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
}

/**
 * The fake ECS agent and Prometheus endpoint: served over HTTP on 127.0.0.1 for the real process (`start()`), or
 * answered in memory through `fetch` on the virtual clock (thousands of polls in a fraction of a second).
 */
class Fakes {
  public metrics: Answer = { status: 200, body: FREE };
  public readonly puts: Put[] = [];
  public metricsRequests = 0;
  /** Fires after every answer. */
  public readonly events = new EventEmitter();
  public agentUrl = 'http://agent.test';
  public metricsUrl = 'http://worker.test/prometheus/queued-tasks';
  private readonly servers: Server[] = [];

  constructor(private readonly clock: () => number = () => 0) {}

  /** The agent's answer to the next PUT. */
  public agent: (put: Put) => Answer = () => ({ status: 200, body: PROTECTED });

  /** The answer to a request, as the agent or the Prometheus endpoint gives it. */
  answer(method: string, url: string, body: string): Answer {
    if (url === this.metricsUrl && method === 'GET') {
      this.metricsRequests++;
      return this.metrics;
    }
    if (url === `${this.agentUrl}/task-protection/v1/state` && method === 'PUT') {
      const put = { at: this.clock(), body: JSON.parse(body) };
      this.puts.push(put);
      return this.agent(put);
    }
    return { status: 404, body: '{}' };
  }

  /** `fetch` answered in memory, with real Response objects. */
  readonly fetch = async (url: string, init?: { method?: string; body?: string }): Promise<Response> => {
    const answer = this.answer(init?.method ?? 'GET', url, init?.body ?? '');
    return new Response(answer.body, { status: answer.status });
  };

  /** Serves both over HTTP on 127.0.0.1. */
  async start(): Promise<void> {
    const [agent, worker] = await Promise.all([this.serve(), this.serve()]);
    this.agentUrl = agent;
    this.metricsUrl = `${worker}/prometheus/queued-tasks`;
  }

  async stop(): Promise<void> {
    // Node's fetch keeps connections alive: drop them, or close() waits for them.
    await Promise.all(this.servers.map(server => new Promise(resolve => {
      server.close(resolve);
      server.closeAllConnections();
    })));
  }

  private async serve(): Promise<string> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => { body += chunk; });
      req.on('end', () => {
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const answer = this.answer(req.method!, `${origin}${req.url}`, body);
        res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.body);
        this.events.emit('request');
      });
    });
    this.servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

/**
 * The script in a context of its own whose clock is the test's: `setTimeout(loop, pollMs)` only records the next poll;
 * `tick()` moves the clock to it and runs that poll to its end (the script's `loop` returns once it has scheduled the
 * next one). Its requests go to the in-memory fakes, and the clock stands still while they run.
 */
class VirtualSidecar {
  /** Virtual milliseconds since start. */
  public elapsed = 0;
  public output = '';
  private next?: { readonly due: number; readonly run: () => unknown };
  private scheduled?: () => void;
  /** Resolves when the first poll (run as the script starts) has ended. */
  public readonly ready: Promise<void>;

  constructor(env: Record<string, string>, fetchFn: Fakes['fetch']) {
    const start = Date.UTC(2026, 0, 1);
    const sidecar = this;
    class VirtualDate extends Date {
      public static now(): number { return start + sidecar.elapsed; }
      constructor() { super(start + sidecar.elapsed); }
    }
    this.ready = new Promise<void>(resolve => { this.scheduled = resolve; });
    runInContext(TASK_PROTECTION_SCRIPT, createContext({
      Date: VirtualDate,
      setTimeout: (run: () => unknown, ms: number) => {
        this.next = { due: this.elapsed + ms, run };
        this.scheduled?.();
        this.scheduled = undefined;
        return this.next;
      },
      clearTimeout: (timer: unknown) => { if (timer === this.next) this.next = undefined; },
      fetch: fetchFn,
      // The fakes answer at once: no request timeout (the real process below has them).
      AbortSignal: { timeout: () => new AbortController().signal },
      console: { log: (line: string) => { this.output += `${line}\n`; } },
      process: { env, on: () => undefined, exit: () => undefined },
    }));
  }

  /** Runs the next poll at its time. */
  async tick(): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('the sidecar scheduled no further poll');
    this.next = undefined;
    this.elapsed = next.due;
    await next.run();
  }

  /** Polls until `condition` holds; fails after `maxPolls`. */
  async until(condition: () => boolean, what: string, maxPolls = 100): Promise<void> {
    for (let polls = 0; !condition(); polls++) {
      if (polls === maxPolls) throw new Error(`no ${what} within ${maxPolls} polls`);
      await this.tick();
    }
  }

  /** Polls for `ms` of virtual time. */
  async run(ms: number): Promise<void> {
    const end = this.elapsed + ms;
    while (this.next && this.next.due <= end) await this.tick();
  }
}

describe('task-protection sidecar script, production timing on a virtual clock', () => {
  let fakes: Fakes;
  let sidecar: VirtualSidecar;

  beforeEach(async () => {
    fakes = new Fakes(() => sidecar.elapsed);
    sidecar = new VirtualSidecar({
      ECS_AGENT_URI: fakes.agentUrl,
      METRICS_URL: fakes.metricsUrl,
      POLL_SECONDS: String(TASK_PROTECTION_POLL.toSeconds()),
      EXPIRES_IN_MINUTES: String(EXPIRES_IN_MINUTES),
    }, fakes.fetch);
    await sidecar.ready;
  });

  test('polls every 5 s, and never protects a free worker', async () => {
    await sidecar.run(10 * MINUTE);
    expect(fakes.metricsRequests).toBe(10 * MINUTE / POLL_MS + 1);
    expect(fakes.puts).toEqual([]);
    expect(sidecar.output).not.toMatch(/protected/);
  });

  test('a busy worker is protected for 60 minutes at once, and renewed before each protection expires', async () => {
    fakes.metrics = { status: 200, body: BUSY };
    await sidecar.tick();
    await sidecar.run(3 * 60 * MINUTE);

    const protect = { ProtectionEnabled: true, ExpiresInMinutes: 60 };
    expect(fakes.puts.map(put => put.body)).toEqual(fakes.puts.map(() => protect));
    expect(fakes.puts[0].at).toBe(POLL_MS); // the first busy poll
    for (let i = 1; i < fakes.puts.length; i++) {
      const sincePrevious = fakes.puts[i].at - fakes.puts[i - 1].at;
      // Renewed before the previous protection expires ...
      expect(sincePrevious).toBeLessThan(EXPIRY_MS);
      // ... when half of it has passed (at the first poll after), which leaves half of it to retry a refused renewal.
      expect(sincePrevious).toBeGreaterThanOrEqual(EXPIRY_MS / 2);
      expect(sincePrevious).toBeLessThan(EXPIRY_MS / 2 + POLL_MS);
    }
    // Protected all along: each protection lasts until the next renewal, and the last one beyond now.
    expect(fakes.puts.length).toBeGreaterThanOrEqual(6);
    expect(fakes.puts[fakes.puts.length - 1].at + EXPIRY_MS).toBeGreaterThan(sidecar.elapsed);
  });

  test('a renewal the agent refuses is retried at every poll, and succeeds before the protection expires', async () => {
    fakes.metrics = { status: 200, body: BUSY };
    await sidecar.until(() => fakes.puts.length === 1, 'protection');
    const protectedAt = fakes.puts[0].at;
    // The agent refuses for 20 minutes from the first renewal attempt on.
    let refusedFrom: number | undefined;
    fakes.agent = put => {
      refusedFrom ??= put.at;
      return put.at < refusedFrom + 20 * MINUTE
        ? { status: 200, body: '{"failure":{"Arn":"x","Reason":"TASK_NOT_VALID"}}' }
        : { status: 200, body: PROTECTED };
    };
    await sidecar.until(() => refusedFrom !== undefined && fakes.puts[fakes.puts.length - 1].at >= refusedFrom + 20 * MINUTE,
      'a renewal after the refusals', 1000);
    expect(sidecar.output).toMatch(/TASK_NOT_VALID/);

    const attempts = fakes.puts.slice(1).map(put => put.at);
    expect(attempts.slice(1).map((at, i) => at - attempts[i])).toEqual(attempts.slice(1).map(() => POLL_MS));
    const renewed = attempts[attempts.length - 1];
    expect(renewed - protectedAt).toBeLessThan(EXPIRY_MS);
    // Protected again: no further request until the next renewal is due.
    const puts = fakes.puts.length;
    await sidecar.run(20 * MINUTE);
    expect(fakes.puts).toHaveLength(puts);
  });

  test('free clears the protection it set, once', async () => {
    fakes.metrics = { status: 200, body: BUSY };
    await sidecar.until(() => fakes.puts.length === 1, 'protection');
    fakes.metrics = { status: 200, body: FREE };
    await sidecar.tick();
    expect(fakes.puts.map(put => put.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 60 }, { ProtectionEnabled: false }]);
    expect(sidecar.output).toMatch(/free: protection cleared/);
    await sidecar.run(2 * 60 * MINUTE);
    expect(fakes.puts).toHaveLength(2);
  });

  test('metrics endpoint errors change nothing, and the sidecar keeps polling', async () => {
    fakes.metrics = { status: 200, body: BUSY };
    await sidecar.until(() => fakes.puts.length === 1, 'protection');
    fakes.metrics = { status: 500, body: 'down' };
    await sidecar.tick();
    expect(sidecar.output).toContain('metrics unavailable, protection unchanged: HTTP 500');
    fakes.metrics = { status: 200, body: 'some_other_metric 1\n' };
    await sidecar.tick();
    expect(sidecar.output).toContain('metrics unavailable, protection unchanged: no queued_tasks_worker_busy');
    await sidecar.run(10 * MINUTE);
    expect(fakes.puts).toHaveLength(1); // still protected: a worker whose metrics fail may be busy
    fakes.metrics = { status: 200, body: FREE };
    await sidecar.tick();
    expect(fakes.puts.map(put => put.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 60 }, { ProtectionEnabled: false }]);
  });

  test('an agent failure is retried at the next poll, and not after it succeeded', async () => {
    fakes.agent = () => ({ status: 200, body: '{"failure":{"Reason":"TASK_NOT_VALID"}}' });
    fakes.metrics = { status: 200, body: BUSY };
    await sidecar.until(() => fakes.puts.length === 2, 'a retry');
    expect(fakes.puts[1].at - fakes.puts[0].at).toBe(POLL_MS);
    expect(sidecar.output).toMatch(/TASK_NOT_VALID/);
    fakes.agent = () => ({ status: 200, body: PROTECTED });
    await sidecar.tick();
    expect(sidecar.output).toContain('busy: protected for 60 min');
    const puts = fakes.puts.length;
    await sidecar.run(10 * MINUTE);
    expect(fakes.puts).toHaveLength(puts);
  });
});

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

describe('protection expiry', () => {
  test('covers the longest queued task plus 10 minutes, within the 2,880 minutes ECS accepts', () => {
    expect(protectionMinutes(Duration.seconds(3000))).toBe(60);
    expect(protectionMinutes(Duration.seconds(3001))).toBe(61);
    expect(protectionMinutes(Duration.hours(72))).toBe(2880);
  });
});
