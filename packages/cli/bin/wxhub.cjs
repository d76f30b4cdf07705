#!/usr/bin/env node
// The workspace ships TypeScript sources (no build step): tsx compiles src/ as it loads.
require('tsx/cjs');
require('../src/main.ts');
