#!/usr/bin/env node
// Lint BPMN diagrams with bpmnlint (config: .bpmnlintrc at the repository root).
//
// Usage:
//   node tools/lint-diagrams.mjs              lint bpmn/**/*.bpmn, tests/diagrams/*.bpmn, bench/*.bpmn and
//                                             tests/dialect/diagrams/*.bpmn
//   node tools/lint-diagrams.mjs FILE|DIR...  lint the given files / *.bpmn under the given dirs
//
// Any problem (error OR warning, including XML parse errors and import
// warnings) makes the exit code non-zero.  No diagrams found -> exit 0.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bpmnlintBin = join(root, 'node_modules', 'bpmnlint', 'bin', 'bpmnlint.js');
const config = join(root, '.bpmnlintrc');

function bpmnFilesIn(dir, recursive) {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { recursive, withFileTypes: false })
    .map((name) => join(dir, String(name)))
    .filter((path) => path.endsWith('.bpmn') && statSync(path).isFile())
    .sort();
}

function collect(args) {
  if (args.length === 0) {
    return [
      ...bpmnFilesIn(join(root, 'bpmn'), true),
      ...bpmnFilesIn(join(root, 'tests', 'diagrams'), false),
      ...bpmnFilesIn(join(root, 'bench'), false),
      ...bpmnFilesIn(join(root, 'tests', 'dialect', 'diagrams'), false),
    ];
  }
  const files = [];
  for (const arg of args) {
    const path = resolve(arg);
    if (!existsSync(path)) {
      console.error(`lint-diagrams: no such file or directory: ${arg}`);
      process.exit(2);
    }
    files.push(...(statSync(path).isDirectory() ? bpmnFilesIn(path, true) : [path]));
  }
  return files;
}

if (!existsSync(bpmnlintBin)) {
  console.error('lint-diagrams: bpmnlint is not installed; run `npm ci` first');
  process.exit(2);
}

const files = collect(process.argv.slice(2));
if (files.length === 0) {
  console.log('lint-diagrams: no .bpmn files found, nothing to lint');
  process.exit(0);
}

console.log(`lint-diagrams: linting ${files.length} diagram(s):`);
for (const file of files) {
  console.log(`  ${relative(process.cwd(), file) || file}`);
}

const result = spawnSync(
  process.execPath,
  [bpmnlintBin, '--config', config, '--max-warnings=0', ...files],
  { cwd: root, stdio: 'inherit' },
);
if (result.error) {
  console.error(`lint-diagrams: failed to run bpmnlint: ${result.error.message}`);
  process.exit(2);
}
if (result.status === 0) {
  console.log('lint-diagrams: OK');
}
process.exit(result.status ?? 1);
