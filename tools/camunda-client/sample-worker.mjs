#!/usr/bin/env node
// A worker for topic "sample.check" (tests/diagrams/core_sample.bpmn) written as for
// Camunda 7: the official camunda-external-task-client-js, unchanged, against licflow's
// /engine-rest API.
//
// Environment:
//   LICFLOW_ENGINE_REST   base URL, e.g. http://127.0.0.1:8080/engine-rest (required)
//   LICFLOW_API_TOKEN     an API token of licflow (required)
//   LICFLOW_AUTH          "basic" (default: BasicAuthInterceptor, token as password) or "bearer"
//   WORKER_TASKS          exit 0 after handling this many tasks (default 1)
//   WORKER_TIMEOUT_MS     exit 2 if they are not handled in time (default 30000)
//
// Each task: a case whose business key starts with "FAIL" gets the BPMN error
// CHECK_FAILED; any other has its lock extended, then is completed with typed
// variables (skip_review=true, a Date, a Json object echoing the applicant it read).
// One JSON line per handled task goes to stdout, prefixed "handled ".

import { BasicAuthInterceptor, Client, Variables, logger } from 'camunda-external-task-client-js';

const baseUrl = process.env.LICFLOW_ENGINE_REST;
const token = process.env.LICFLOW_API_TOKEN;
const auth = process.env.LICFLOW_AUTH ?? 'basic';
const expected = Number(process.env.WORKER_TASKS ?? 1);
const timeoutMs = Number(process.env.WORKER_TIMEOUT_MS ?? 30000);
const workerId = 'js-sample-worker';

if (!baseUrl || !token) {
  console.error('LICFLOW_ENGINE_REST and LICFLOW_API_TOKEN are required');
  process.exit(64);
}

const bearer = (config) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${token}` } });

const client = new Client({
  baseUrl,
  workerId,
  maxTasks: 5,
  lockDuration: 30000,
  asyncResponseTimeout: 2000,
  autoPoll: false,
  interceptors: auth === 'bearer' ? bearer : new BasicAuthInterceptor({ username: workerId, password: token }),
  use: logger.level('info'),
});

let handled = 0;
const timer = setTimeout(() => {
  console.error(`timed out after ${timeoutMs} ms with ${handled} of ${expected} tasks handled`);
  process.exit(2);
}, timeoutMs);

client.on('poll:error', (error) => console.error(`poll failed: ${error}`));
client.on('handler:error', (error) => {
  console.error(`handling a task failed: ${error}`);
  process.exit(3);
});

client.subscribe('sample.check', { variables: ['applicant', 'review_due'] }, async ({ task, taskService }) => {
  const applicant = task.variables.get('applicant');
  const outcome = { id: task.id, businessKey: task.businessKey, types: typesOf(task.variables.getAllTyped()) };
  if (task.businessKey.startsWith('FAIL')) {
    const variables = new Variables().set('failed_check', 'registry');
    await taskService.handleBpmnError(task, 'CHECK_FAILED', 'the applicant is not registered', variables);
    outcome.answer = 'bpmnError';
  } else {
    await taskService.extendLock(task, 60000);
    const variables = new Variables()
      .set('skip_review', true)
      .set('checked_at', new Date(Date.UTC(2025, 2, 20, 11, 5, 0, 250)))
      .set('check', { seen: applicant, passed: ['identity', 'registry'] });
    await taskService.complete(task, variables);
    outcome.answer = 'complete';
  }
  console.log(`handled ${JSON.stringify(outcome)}`);
  handled += 1;
  if (handled >= expected) {
    clearTimeout(timer);
    client.stop();
    process.exit(0);
  }
});

client.start();

function typesOf(typed) {
  return Object.fromEntries(Object.entries(typed).map(([name, value]) => [name, value.type]));
}
