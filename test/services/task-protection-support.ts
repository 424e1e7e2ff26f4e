import { EventEmitter } from 'events';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { createContext, runInContext } from 'vm';
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

export const BUSY = '# HELP queued_tasks_worker_busy Worker busy status\nqueued_tasks_worker_busy{pod="x"} 1\n';
export const FREE = 'queued_tasks_worker_utilization_rate 0\nqueued_tasks_worker_busy 0\n';
export const PROTECTED = '{"protection":{"ProtectionEnabled":true}}';
/** What the container gets with the default MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS (task-protection.ts). */
export const POLL_MS = TASK_PROTECTION_POLL.toMilliseconds();
export const EXPIRES_IN_MINUTES = protectionMinutes(DEFAULT_QUEUED_TASK_TIME);
export const EXPIRY_MS = EXPIRES_IN_MINUTES * 60_000;
export const MINUTE = 60_000;

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface Put {
  /** Virtual milliseconds since the sidecar started (the real-process tests leave it 0). */
  readonly at: number;
  readonly body: { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
}

/**
 * The fake ECS agent and Prometheus endpoint: served over HTTP on 127.0.0.1 for the real process (`start()`), or
 * answered in memory through `fetch` on the virtual clock (thousands of polls in a fraction of a second).
 */
export class Fakes {
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
export class VirtualSidecar {
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
