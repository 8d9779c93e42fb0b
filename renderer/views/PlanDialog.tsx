// The plan of a drop: the PVs before and after, the equivalent pvmove command, the data
// size and the estimated time at the chosen rate; Start or Cancel.
import { useActions } from '../actions';
import { formatBytes, formatSeconds } from '../format';
import { rateOf } from '../store/moveSlice';
import { useAppStore } from '../storeContext';
import { useVgColors } from './colors';
import { PvMap } from './PvMap';

export function PlanDialog() {
  const dialog = useAppStore((s) => s.move.planDialog);
  const settings = useAppStore((s) => s.move.settings);
  const closePlan = useAppStore((s) => s.closePlan);
  const error = useAppStore((s) => s.move.error);
  const actions = useActions();
  const colors = useVgColors();
  if (!dialog) return null;
  const { plan, request } = dialog;
  const rate = rateOf(settings);
  const touched = new Set(plan.moves.flatMap((m) => [m.fromPv, m.toPv]));
  const maps = (which: 'before' | 'after') => (
    <div className="plan-maps">
      <h3>{which === 'before' ? 'Before' : 'After'}</h3>
      {plan[which].filter((pv) => touched.has(pv.name) || plan[which].length <= 8).map((pv) => (
        <div key={pv.name} className="plan-pv"><span className="mono">{pv.name}</span><PvMap pv={pv} lvColors={colors.lv} selection={null} heightPx={16} /></div>
      ))}
    </div>
  );
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" aria-labelledby="plan-title" data-testid="plan-dialog">
      <div className="dialog plan">
        <h2 id="plan-title">Move {plan.extentCount} extents of {plan.lvs.join(', ')}</h2>
        <div className="plan-columns">{maps('before')}{maps('after')}</div>
        <dl className="plan-facts">
          <dt>Command</dt><dd className="mono" data-testid="plan-command">{plan.command}</dd>
          <dt>Moves</dt><dd className="mono">{plan.moves.map((m) => `${m.lv} LE ${m.startLe}-${m.startLe + m.count - 1}: ${m.fromPv}:${m.fromPe} → ${m.toPv}:${m.toPe}`).join('; ')}</dd>
          <dt>Data</dt><dd>{formatBytes(plan.bytes)}</dd>
          <dt>Estimated time</dt><dd>{rate > 0 ? `${formatSeconds(plan.bytes / rate)} at ${formatBytes(rate)}/s (${settings.ratePreset})` : 'as fast as the disks allow (unlimited rate)'}</dd>
          <dt>Region size</dt><dd>{formatBytes(settings.regionSizeSectors * 512)} ({Math.ceil(plan.bytes / (settings.regionSizeSectors * 512))} regions){settings.stepMode ? ' · step mode: waits at each step for Next' : ''}</dd>
        </dl>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={closePlan}>Cancel</button>
          <button type="button" className="primary" data-testid="plan-start" onClick={() => void actions.startMove(request)}>Start move</button>
        </div>
      </div>
    </div>
  );
}
