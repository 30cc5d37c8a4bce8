#!/usr/bin/env node
// Runs the built launcher (npm run build at the repository root produces launcher/dist).
import('../dist/main.js');
