#!/usr/bin/env node
// The applicant cabinet's "accepted" notice (topic cabinet.accepted of bpmn/license_issuance.bpmn),
// written as for Camunda 7 with the official camunda-external-task-client-js, unchanged,
// against licflow's /engine-rest API. It writes what the Python worker workers/cabinet.py
// writes (para 8: "request accepted" with the date the result is due).
//
// Environment:
//   LICFLOW_ENGINE_REST   base URL, e.g. http://127.0.0.1:8080/engine-rest (required)
//   LICFLOW_API_TOKEN     an API token of licflow (required)
//   WORKER_ID             the worker id (default js-cabinet-worker)
//
// It polls until SIGTERM or SIGINT; one line per handled task goes to stdout, prefixed "handled ".

import { BasicAuthInterceptor, Client, Variables } from 'camunda-external-task-client-js';

const baseUrl = process.env.LICFLOW_ENGINE_REST;
const token = process.env.LICFLOW_API_TOKEN;
const workerId = process.env.WORKER_ID ?? 'js-cabinet-worker';

if (!baseUrl || !token) {
  console.error('LICFLOW_ENGINE_REST and LICFLOW_API_TOKEN are required');
  process.exit(64);
}

const client = new Client({
  baseUrl,
  workerId,
  maxTasks: 5,
  lockDuration: 30000,
  asyncResponseTimeout: 5000,
  interceptors: new BasicAuthInterceptor({ username: workerId, password: token }),
});

client.on('poll:error', (error) => console.error(`poll failed: ${error}`));
client.on('complete:error', (_task, error) => console.error(`complete failed: ${error}`));

client.subscribe(
  'cabinet.accepted',
  { variables: ['registered_on', 'statutory_due_at'] },
  async ({ task, taskService }) => {
    const registeredOn = task.variables.get('registered_on');
    const dueAt = task.variables.get('statutory_due_at');
    const variables = new Variables()
      .set('cabinet_status', 'accepted')
      .set('cabinet_message', `Request accepted, registered on ${registeredOn}; the result is due by ${dueAt}.`)
      .set('cabinet_result_due_at', dueAt);
    await taskService.complete(task, variables);
    console.log(`handled ${JSON.stringify({ id: task.id, businessKey: task.businessKey })}`);
  },
);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    client.stop();
    process.exit(0);
  });
}
