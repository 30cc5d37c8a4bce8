#!/usr/bin/env node
// Runs the built gateway (npm run build at the repository root produces gateway/dist).
import('../dist/main.js');
