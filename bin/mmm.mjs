#!/usr/bin/env node
// The `mmm` command. Sources are TypeScript, loaded through tsx so a clone runs
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
// An interrupted run (130, 143) is on record and has given up its lock: exit now, not when the stage it left finishes.
if (code >= 128) process.exit(code);
process.exitCode = code;
