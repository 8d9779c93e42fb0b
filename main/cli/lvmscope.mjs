#!/usr/bin/env node
// The `lvmscope` command (package.json "bin"). The CLI is written in TypeScript and shares
// the engine with the app; tsx compiles it on the fly, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./index.ts');
process.exitCode = await runCli(process.argv);
