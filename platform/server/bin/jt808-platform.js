#!/usr/bin/env node
// Runs the built platform CLI (npm run build at the repository root produces platform/server/dist).
import('../dist/main.js');
