// Every CLI verb, one file each. A verb is a function that adds its subcommand to the
// program; add new verbs to this list.
import type { Command } from 'commander';
import { serveVerb } from './serve';
import { demoVerb } from './demo';
import { lvsVerb, pvsVerb, vgsVerb } from './report';
import { lvcreateVerb, lvextendVerb, lvreduceVerb, lvremoveVerb, lvrenameVerb, pvcreateVerb, vgcreateVerb, vgextendVerb, vgreduceVerb } from './lvm';
import { pvmoveVerb } from './pvmove';
import { dmsetupVerb } from './dmsetup';
import { verifyVerb } from './verify';
import { windowVerb } from './window';
import { importVerb } from './import';
import { exportScriptVerb } from './exportScript';

export type Verb = (program: Command) => void;

export const VERBS: Verb[] = [
  demoVerb,
  pvsVerb,
  vgsVerb,
  lvsVerb,
  pvcreateVerb,
  vgcreateVerb,
  vgextendVerb,
  vgreduceVerb,
  lvcreateVerb,
  lvextendVerb,
  lvreduceVerb,
  lvremoveVerb,
  lvrenameVerb,
  pvmoveVerb,
  dmsetupVerb,
  verifyVerb,
  serveVerb,
  windowVerb,
  importVerb,
  exportScriptVerb,
];
