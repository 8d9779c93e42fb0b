// The device-stack toggle of the next move: the 2002 outline (identity + mirror in the LV's own
// table over a temporary -orig device) or what LVM2 does today (a hidden pvmove0 device below
// the LVs, one segment mirrored at a time). The same radio pair sits in the move controls and
// in the plan dialog; a running move keeps the stack it started on.
import { MOVE_STACKS, STACK_TITLES, type MoveStack } from '../../app/api/move';

export const STACK_HINTS: Record<MoveStack, string> = {
  outline: 'pvmove_outline.txt (2002): each LV in turn is suspended, its table copied to a temporary -orig device, and reloaded as identity + mirror; all of its runs copy at once.',
  lvm2: 'LVM2 2.03: a hidden pvmove0 device below the LVs, one segment mirrored at a time, a checkpoint and reload after each segment, two finishing commits.',
};

/** `legendHidden`: where a label beside it already says "Stack", the legend is for screen readers only. */
export function StackChoice({ value, onChange, disabledReason, name, testIdPrefix, legendHidden = false }: { value: MoveStack; onChange: (stack: MoveStack) => void; disabledReason: string | null; name: string; testIdPrefix: string; legendHidden?: boolean }) {
  return (
    <fieldset className="stack-choice" title={disabledReason ?? undefined}>
      <legend className={legendHidden ? 'visually-hidden' : undefined}>Stack</legend>
      {MOVE_STACKS.map((stack) => (
        <label key={stack} title={disabledReason ?? STACK_HINTS[stack]}>
          <input type="radio" name={name} data-testid={`${testIdPrefix}-${stack}`} value={stack} checked={value === stack} disabled={disabledReason !== null} onChange={() => onChange(stack)} /> {STACK_TITLES[stack]}
        </label>
      ))}
    </fieldset>
  );
}
