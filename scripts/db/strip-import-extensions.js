#!/usr/bin/env node
// The generated client imports its siblings as `./x.js` (importFileExtension = "js"). Compiled output
// resolves those, but code run straight from TypeScript (Jest, @swc-node/register) does not map `.js`
// back to `.ts`. Extensionless relative imports resolve everywhere under CommonJS, so drop the suffix.
// Does nothing when the generator already emits extensionless imports.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'src', 'generated', 'prisma'));
const relativeJsImport = /(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\.js\2/g;

let changed = 0;
const visit = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) visit(file);
    else if (entry.name.endsWith('.ts')) {
      const source = fs.readFileSync(file, 'utf8');
      const rewritten = source.replace(relativeJsImport, '$1$2$3$2');
      if (rewritten !== source) {
        fs.writeFileSync(file, rewritten);
        changed += 1;
      }
    }
  }
};

visit(root);
process.stdout.write(`Relative imports made extensionless in ${changed} generated file(s).\n`);
