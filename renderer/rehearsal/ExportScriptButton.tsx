// "Export the plan as a script" (issue 18 item 4/5): downloads <vg>-pvmove.sh, the plan as the
// bash script for the real system (vgcfgbackup first, the exact pvmove steps with the real
// device names of an imported VG, checks between them). In the plan dialog it exports the plan
// shown; in the export bar the running or last move. A refusal is shown beside the button.
import { useState } from 'react';
import type { MoveRequest } from '../store/actionTypes';
import { useRehearsalActions } from './actions';

export function ExportScriptButton({ request, disabledReason, label, testId }: { request?: MoveRequest; disabledReason?: string | null; label: string; testId: string }) {
  const actions = useRehearsalActions();
  const [error, setError] = useState<string | null>(null);
  const title = disabledReason ?? 'Download the plan as a bash script for the real system: vgcfgbackup first, each pvmove with the real devices, checks between the steps, the time at your custom copy rate';
  return (
    <>
      <button type="button" data-testid={testId} disabled={!!disabledReason} title={title} onClick={() => void actions.exportScript(request).then(setError)}>{label}</button>
      {error && <span className="error" role="alert" data-testid={`${testId}-error`}>{error}</span>}
    </>
  );
}
