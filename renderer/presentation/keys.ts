// Presentation mode is driven by the keyboard (a presenter's clicker sends Space, arrows and
// Page Up / Down). This file maps keys to commands and decides what "next" means right now;
// both are pure so the key handling is tested without a browser.
import { MOVE_STACKS, STACK_TITLES, type MoveStack, type MoveStateView } from '../../app/api/move';

export type PresentationCommand =
  | { kind: 'next' }
  | { kind: 'back' }
  | { kind: 'pause' }
  | { kind: 'speed'; direction: 1 | -1 }
  | { kind: 'leave' }
  | { kind: 'fullscreen' }
  | { kind: 'hint' }
  | { kind: 'export' }
  /** Switch the device stack of the next move (outline ⇄ lvm2). */
  | { kind: 'stack' }
  /** 1..9: run the n-th scenario (offered when no move is running). */
  | { kind: 'scenario'; index: number }
  /** M: pick a source and a destination with keys, and start that move. */
  | { kind: 'pick' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The command a key press asks for, or null for keys presentation mode leaves alone. */
export function commandForKey(e: KeyLike): PresentationCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case ' ':
    case 'ArrowRight':
    case 'PageDown':
      return { kind: 'next' };
    case 'ArrowLeft':
    case 'PageUp':
      return { kind: 'back' };
    case 'p':
    case 'P':
      return { kind: 'pause' };
    case '+':
    case '=':
      return { kind: 'speed', direction: 1 };
    case '-':
    case '_':
      return { kind: 'speed', direction: -1 };
    case 'Escape':
    case 'F5':
      return { kind: 'leave' };
    case 'f':
    case 'F':
      return { kind: 'fullscreen' };
    case 'h':
    case 'H':
      return { kind: 'hint' };
    case 'e':
    case 'E':
      return { kind: 'export' };
    case 's':
    case 'S':
      return { kind: 'stack' };
    case 'm':
    case 'M':
      return { kind: 'pick' };
    default:
      return /^[1-9]$/.test(e.key) ? { kind: 'scenario', index: Number(e.key) - 1 } : null;
  }
}

/**
 * What → does: walk forward in the step history while an earlier step is shown; else, when
 * the move waits in step mode, run the next step; else nothing (the move runs on its own).
 */
export function resolveNext(historyCursor: number | null, move: Pick<MoveStateView, 'status'> | null): 'history-forward' | 'move-next' | 'none' {
  if (historyCursor !== null) return 'history-forward';
  if (move?.status === 'waiting-step') return 'move-next';
  return 'none';
}

/** Copy-rate presets for + / − (bytes/s; 0 = unlimited, the fastest). */
export const SPEED_PRESETS = [25 * 1024, 50 * 1024, 100 * 1024, 200 * 1024, 512 * 1024, 1024 * 1024, 4 * 1024 * 1024, 0] as const;

/** The preset after (direction 1) or before (−1) the current rate; unknown rates snap to the nearest preset. */
export function nextSpeed(currentBytesPerSec: number, direction: 1 | -1): number {
  const rank = (r: number) => (r === 0 ? Number.POSITIVE_INFINITY : r);
  const current = rank(currentBytesPerSec);
  if (direction === 1) return SPEED_PRESETS.find((p) => rank(p) > current) ?? 0;
  const slower = [...SPEED_PRESETS].reverse().find((p) => rank(p) < current);
  return slower ?? SPEED_PRESETS[0];
}

/** A rate for people: `200 KiB/s`, `4 MiB/s`, `unlimited`. */
export function speedLabel(bytesPerSec: number): string {
  if (bytesPerSec === 0) return 'unlimited';
  return bytesPerSec >= 1024 * 1024 ? `${bytesPerSec / (1024 * 1024)} MiB/s` : `${Math.round(bytesPerSec / 1024)} KiB/s`;
}

/** Why M cannot open the move picker now (a move runs, or there is no VG), or null when it can. */
export function pickRefusal(move: Pick<MoveStateView, 'status'> | null, hasVg: boolean): string | null {
  if (move && ['running', 'paused', 'waiting-step', 'aborting'].includes(move.status)) return 'a move is running: pick the next one when it ends';
  return hasVg ? null : 'no volume group here to move extents in';
}

/**
 * What S does: the stack after `current` for the next move, or null while a move runs (a move
 * keeps the stack it started on), with the words the toast says.
 */
export function nextStack(current: MoveStack, move: Pick<MoveStateView, 'status'> | null): { stack: MoveStack; text: string } | null {
  if (move && ['running', 'paused', 'waiting-step', 'aborting'].includes(move.status)) return null;
  const stack = MOVE_STACKS[(MOVE_STACKS.indexOf(current) + 1) % MOVE_STACKS.length];
  return { stack, text: `next move: ${STACK_TITLES[stack]}` };
}
