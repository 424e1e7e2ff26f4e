import { Duration } from 'aws-cdk-lib';
import { BUSY, EXPIRES_IN_MINUTES, EXPIRY_MS, Fakes, FREE, MINUTE, POLL_MS, PROTECTED, VirtualSidecar } from './task-protection-support';
import { TASK_PROTECTION_POLL } from '../../lib/services/private/defaults';
import { protectionMinutes } from '../../lib/services/private/task-protection';

// The sidecar's program on a virtual clock with the production timing (task-protection-support.ts), and how long
// the protection it asks for lasts.

// Hours of virtual time take a second or so of real time; more on a loaded machine.
jest.setTimeout(30_000);

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

describe('protection expiry', () => {
  test('covers the longest queued task plus 10 minutes, within the 2,880 minutes ECS accepts', () => {
    expect(protectionMinutes(Duration.seconds(3000))).toBe(60);
    expect(protectionMinutes(Duration.seconds(3001))).toBe(61);
    expect(protectionMinutes(Duration.hours(72))).toBe(2880);
  });
});
