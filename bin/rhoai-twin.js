#!/usr/bin/env node
// Entry point of `npx rhoai-twin`: loads the TypeScript sources through tsx.
require('tsx/cjs');
require('../twin/cli.ts');
