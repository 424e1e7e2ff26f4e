/**
 * The task-protection sidecar's program (plain JavaScript for the Node.js in `DEFAULT_TASK_PROTECTION_IMAGE`).
 * It is a string so the container runs exactly what the tests run (`node -e`), without a build step or an asset.
 *
 * Every POLL_SECONDS it reads `queued_tasks_worker_busy` from the worker's Prometheus endpoint (METRICS_URL):
 * - busy: protect the task through the ECS agent (`PUT $ECS_AGENT_URI/task-protection/v1/state`) for
 *   EXPIRES_IN_MINUTES, and renew when half of that has passed;
 * - free: clear the protection it set;
 * - metrics endpoint down or without the metric: change nothing (a set protection still expires on its own);
 * - agent error: log it and try again at the next poll.
 * SIGTERM ends it at once: the task is stopping anyway.
 */
export const TASK_PROTECTION_SCRIPT = `
const agent = process.env.ECS_AGENT_URI;
const metricsUrl = process.env.METRICS_URL;
const pollMs = Number(process.env.POLL_SECONDS || '5') * 1000;
const expiresInMinutes = Number(process.env.EXPIRES_IN_MINUTES || '60');
const renewMs = expiresInMinutes * 30000;
const timeout = () => AbortSignal.timeout(Math.min(5000, pollMs));
let protectedAt = 0;
let timer;
const log = message => console.log(new Date().toISOString() + ' task-protection: ' + message);

function busyFrom(text) {
  for (const line of text.split('\\n')) {
    const match = /^queued_tasks_worker_busy(?:\\{[^}]*\\})?\\s+(\\S+)/.exec(line);
    if (match) return Number(match[1]) > 0;
  }
  return undefined;
}

async function setProtection(enabled) {
  const body = enabled ? { ProtectionEnabled: true, ExpiresInMinutes: expiresInMinutes } : { ProtectionEnabled: false };
  const response = await fetch(agent + '/task-protection/v1/state', {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: timeout(),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok || payload.failure || payload.error) {
    throw new Error('agent answered ' + response.status + ' ' + JSON.stringify(payload.failure || payload.error || payload));
  }
}

async function poll() {
  let busy;
  try {
    const response = await fetch(metricsUrl, { signal: timeout() });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    busy = busyFrom(await response.text());
    if (busy === undefined) throw new Error('no queued_tasks_worker_busy');
  } catch (error) {
    log('metrics unavailable, protection unchanged: ' + error.message);
    return;
  }
  try {
    if (busy && (protectedAt === 0 || Date.now() - protectedAt >= renewMs)) {
      await setProtection(true);
      protectedAt = Date.now();
      log('busy: protected for ' + expiresInMinutes + ' min');
    } else if (!busy && protectedAt !== 0) {
      await setProtection(false);
      protectedAt = 0;
      log('free: protection cleared');
    }
  } catch (error) {
    log(error.message);
  }
}

async function loop() {
  await poll();
  timer = setTimeout(loop, pollMs);
}

if (!agent) {
  log('ECS_AGENT_URI is not set: not running on ECS, nothing to protect');
} else {
  process.on('SIGTERM', () => { clearTimeout(timer); process.exit(0); });
  loop();
}
`;
