#!/usr/bin/env node
// Generates the Prisma client into src/generated/prisma when it is missing or older than the schema,
// so `npm run build`, `typecheck`, `test` and `start` work on a fresh clone and cost nothing afterwards.
// `--force` regenerates regardless. Prisma's update check (telemetry) is turned off for the run.
'use strict';

const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const output = path.join(root, 'src', 'generated', 'prisma');
const stamp = path.join(output, '.schema-fingerprint');

// The schema and the installed generator both shape the output; either changing means generate again.
function fingerprint() {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(root, 'prisma', 'schema.prisma')));
  hash.update(require(path.join(root, 'node_modules', 'prisma', 'package.json')).version);
  hash.update(fs.readFileSync(path.join(__dirname, 'strip-import-extensions.js')));
  return hash.digest('hex');
}

const wanted = fingerprint();
const force = process.argv.includes('--force');
if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) process.exit(0);

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
execFileSync(process.execPath, [prismaCli, 'generate'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
execFileSync(process.execPath, [path.join(__dirname, 'strip-import-extensions.js'), output], { cwd: root, stdio: 'inherit' });
fs.writeFileSync(stamp, wanted);
