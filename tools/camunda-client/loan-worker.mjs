#!/usr/bin/env node
// The workers of the loan-granting example of camunda-external-task-client-js
// (tests/dialect/diagrams/camunda_loan_granting.bpmn), written for licflow's /engine-rest
// with the official client, unchanged.
//
// Environment:
//   LICFLOW_ENGINE_REST   base URL, e.g. http://127.0.0.1:8080/engine-rest (required)
//   LICFLOW_API_TOKEN     an API token of licflow (required; sent with HTTP Basic)
//   WORKER_TASKS          exit 0 after handling this many tasks (default 6)
//   WORKER_TIMEOUT_MS     exit 2 if they are not handled in time (default 30000)
//
// creditScoreChecker answers five scores, the first the task's defaultScore (5 when the
// case has none), with the date it checked; loanGranter and requestRejecter complete the
// score they were given. Tasks of one case are handled side by side; a completion that
// meets another on the same case (409, OptimisticLockingException, as Camunda answers too)
// is sent again. One JSON line per handled task goes to stdout, prefixed "handled ".

import { BasicAuthInterceptor, Client, Variables, logger } from 'camunda-external-task-client-js';

const baseUrl = process.env.LICFLOW_ENGINE_REST;
const token = process.env.LICFLOW_API_TOKEN;
const expected = Number(process.env.WORKER_TASKS ?? 6);
const timeoutMs = Number(process.env.WORKER_TIMEOUT_MS ?? 30000);
const workerId = 'js-loan-worker';

if (!baseUrl || !token) {
  console.error('LICFLOW_ENGINE_REST and LICFLOW_API_TOKEN are required');
  process.exit(64);
}

const client = new Client({
  baseUrl,
  workerId,
  maxTasks: 10,
  lockDuration: 30000,
  asyncResponseTimeout: 1000,
  interceptors: new BasicAuthInterceptor({ username: workerId, password: token }),
  use: logger.level('info'),
});

let handled = 0;
const timer = setTimeout(() => {
  console.error(`timed out after ${timeoutMs} ms with ${handled} of ${expected} tasks handled`);
  process.exit(2);
}, timeoutMs);

client.on('handler:error', (error) => {
  console.error(`handling a task failed: ${error}`);
  process.exit(3);
});

async function completeAgainOnConflict(taskService, task, variables, attempts = 10) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await taskService.complete(task, variables);
    } catch (error) {
      if (attempt >= attempts || !String(error).includes('OptimisticLockingException')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function done(topic, task, extra = {}) {
  console.log(`handled ${JSON.stringify({ topic, businessKey: task.businessKey, ...extra })}`);
  handled += 1;
  if (handled >= expected) {
    clearTimeout(timer);
    client.stop();
    process.exit(0);
  }
}

client.subscribe('creditScoreChecker', async ({ task, taskService }) => {
  const scores = [task.variables.get('defaultScore') ?? 5, 9, 1, 4, 10];
  const variables = new Variables().set('creditScores', scores).set('checkedAt', new Date());
  await completeAgainOnConflict(taskService, task, variables);
  done('creditScoreChecker', task, { scores });
});

for (const topic of ['loanGranter', 'requestRejecter']) {
  client.subscribe(topic, async ({ task, taskService }) => {
    const score = task.variables.get('score');
    await completeAgainOnConflict(taskService, task, new Variables().set(`${topic}Score`, score));
    done(topic, task, { score });
  });
}
