#!/usr/bin/env node
// Entry point of `npx rhoai-twin`: loads the TypeScript sources through tsx, or the twin compiled by
// `npm run build` when RHOAI_BUILD_DIR names one (scripts/build.mjs).
const path = require('node:path');
const fs = require('node:fs');
const compiled = process.env.RHOAI_BUILD_DIR && path.resolve(process.env.RHOAI_BUILD_DIR, 'twin.cjs');
if (compiled && fs.existsSync(compiled)) require(compiled);
else {
  require('tsx/cjs');
  require('../twin/cli.ts');
}
