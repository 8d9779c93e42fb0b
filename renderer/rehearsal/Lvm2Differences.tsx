// Where real LVM2 would behave differently from the rehearsed plan (unsupported segment types,
// cling, RAID images sharing a PV, shared VGs), a sentence each, in the plan dialog: the same
// NOTE lines the exported script carries (issue 18 item 4). Nothing is shown when LVM2 agrees.
import { useEffect, useState } from 'react';
import type { MoveRequest } from '../store/actionTypes';
import { useRehearsalActions } from './actions';

export function Lvm2Differences({ request }: { request: MoveRequest }) {
  const actions = useRehearsalActions();
  const [found, setFound] = useState<{ request: MoveRequest; sentences: string[] } | null>(null);
  useEffect(() => {
    let live = true;
    void actions.differences(request).then((sentences) => {
      if (live) setFound({ request, sentences });
    });
    return () => {
      live = false;
    };
  }, [actions, request]);
  if (!found || found.request !== request || found.sentences.length === 0) return null;
  return (
    <>
      <dt>LVM2 differs</dt>
      <dd>
        <ul className="crash-costs" data-testid="plan-lvm2-differences">
          {found.sentences.map((s) => <li key={s}>{s}</li>)}
        </ul>
      </dd>
    </>
  );
}
