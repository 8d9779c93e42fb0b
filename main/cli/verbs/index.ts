// Every CLI verb, one file each. A verb is a function that adds its subcommand to the
// program; add new verbs to this list.
import type { Command } from 'commander';
import { serveVerb } from './serve';

export type Verb = (program: Command) => void;

export const VERBS: Verb[] = [serveVerb];
