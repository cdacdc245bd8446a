#!/usr/bin/env node
// The `mmm` command. Sources are TypeScript, loaded through tsx so a clone runs
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
