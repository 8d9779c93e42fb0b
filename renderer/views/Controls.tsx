// Settings of the move (device stack, rate presets, region size, what a crash would cost now;
// Pause, Abort and step mode sit with the steps, MoveButtons.tsx), the workload panel (start / stop the IO generator, live counters)
// and Verify with its result. Every disabled control says why in its tooltip.
import { useActions } from '../actions';
import { STACK_TITLES } from '../../app/api/move';
import { crashCostText, formatBytes } from '../format';
import { RATE_PRESETS, rateOf, type RatePreset, isMoveActive } from '../store/moveSlice';
import { useAppStore, useCalmAppStore } from '../storeContext';
import { StackChoice } from './StackChoice';

/** Region sizes offered (sectors): a page up to LVM2's default of 2 MiB (4096 sectors). */
const REGION_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

/** Why a crash costs what the controls say: the bytes since the last checkpoint, or all of an atomic move's copy. */
const CRASH_COST_TITLE = {
  checkpointed: 'Bytes copied since the last checkpoint: a resume after a crash copies them again',
  atomic: 'An atomic move is never checkpointed: a resume after a crash copies everything copied so far again',
} as const;

export function MoveControls() {
  const status = useAppStore((s) => s.move.state?.status ?? null);
  const settings = useAppStore((s) => s.move.settings);
  const setSettings = useAppStore((s) => s.setMoveSettings);
  const moveStack = useAppStore((s) => s.move.state?.stack ?? null);
  const actions = useActions();
  const active = status !== null && isMoveActive(status);
  const applyRate = (preset: RatePreset, custom = settings.customRateBytesPerSec) => {
    const next = { ...settings, ratePreset: preset, customRateBytesPerSec: custom };
    setSettings(next);
    if (active) void actions.control({ action: 'setRate', rateBytesPerSec: rateOf(next) });
  };
  return (
    <section className="panel controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Move settings</h2>
      <div className="control-row">
        <StackChoice
          name="stack"
          testIdPrefix="stack"
          value={active && moveStack ? moveStack : settings.stack}
          disabledReason={active && moveStack ? `This move runs on the ${STACK_TITLES[moveStack]} stack until it ends; the choice applies to the next move.` : null}
          onChange={(stack) => setSettings({ stack })}
        />
        <CrashCost active={active} />
      </div>
      <div className="control-row">
        <span>Rate</span>
        {(['demo', 'unlimited', 'custom'] as const).map((preset) => (
          <label key={preset} title={preset === 'demo' ? `${formatBytes(RATE_PRESETS.demo)}/s: the seed's 4 MiB segment takes about 20 s` : preset === 'unlimited' ? 'As fast as the disks allow' : 'Your own rate in KiB/s'}>
            <input type="radio" name="rate" data-testid={`rate-${preset}`} checked={settings.ratePreset === preset} onChange={() => applyRate(preset)} /> {preset}
          </label>
        ))}
        <input className="rate-input" type="number" min={1} aria-label="custom rate in KiB/s" disabled={settings.ratePreset !== 'custom'} title={settings.ratePreset !== 'custom' ? 'Choose custom to type a rate' : 'KiB/s'} value={Math.round(settings.customRateBytesPerSec / 1024)} onChange={(e) => applyRate('custom', Math.max(1, Number(e.target.value)) * 1024)} /> KiB/s
      </div>
      <div className="control-row">
        <label title={active ? 'The region size is fixed when the mirror is loaded; it applies to the next move.' : 'Mirror region size: the unit the copy tracks (smaller = a finer grid)'}>
          Region size{' '}
          <select data-testid="region-size" value={settings.regionSizeSectors} disabled={active} onChange={(e) => setSettings({ regionSizeSectors: Number(e.target.value) })}>
            {REGION_SIZES.map((r) => <option key={r} value={r}>{formatBytes(r * 512)}{r === 4096 ? ' (LVM2 default)' : ''}</option>)}
          </select>
        </label>
      </div>
    </section>
  );
}

/**
 * What a crash would cost now, beside the stack choice: its own component, so the figure that
 * changes with every progress report re-renders this line, not the settings around it.
 */
function CrashCost({ active }: { active: boolean }) {
  const crashCost = useCalmAppStore((s) => s.move.progress?.crashCostBytes ?? null);
  const atomic = useAppStore((s) => s.move.state?.layer?.atomic ?? s.move.state?.plan?.request?.atomic ?? false);
  // The line is kept (empty) without a move, so nothing below moves when one starts.
  return active && crashCost !== null ? <span className="crash-cost" data-testid="crash-cost" title={CRASH_COST_TITLE[atomic ? 'atomic' : 'checkpointed']}>{crashCostText(crashCost)}</span> : <span className="crash-cost" aria-hidden="true" />;
}

export function WorkloadPanel() {
  // Counters: a few times a second (the running flag inside changes seldom, and shows at the next tick).
  const stats = useCalmAppStore((s) => s.workload.stats);
  const verify = useAppStore((s) => s.workload.verify);
  const verifying = useAppStore((s) => s.workload.verifying);
  const error = useAppStore((s) => s.workload.error);
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  const actions = useActions();
  const lv = vg?.lvs.find((l) => !l.hidden)?.name;
  const running = stats?.running ?? false;
  const noLv = 'This workspace has no LV to run IO on.';
  return (
    <section className="panel workload" aria-labelledby="workload-title">
      <h2 id="workload-title">Workload and verify{lv ? ` (${vg!.name}/${lv})` : ''}</h2>
      <div className="control-row">
        <button type="button" data-testid="workload-toggle" disabled={!lv} title={lv ? (running ? 'Stop the IO generator' : 'Start random reads and writes (4 KiB, 40 IOPS) on the LV, through the dm stack') : noLv} onClick={() => void (running ? actions.stopWorkload() : actions.startWorkload(vg!.name, lv!))}>
          {running ? 'Stop workload' : 'Start workload'}
        </button>
        <button type="button" data-testid="verify" disabled={!lv || verifying} title={lv ? 'Read back what lvmscope wrote to the LV (the demo fill and every acknowledged write) and compare it' : noLv} onClick={() => void actions.verify(vg!.name, lv!)}>
          {verifying ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      <dl className="counters mono" data-testid="workload-counters">
        <dt>reads</dt><dd data-testid="count-reads">{stats?.reads ?? 0}</dd>
        <dt>writes</dt><dd data-testid="count-writes">{stats?.writes ?? 0}</dd>
        {/* The workload's own count (since it started), as the engine measured it: the move's figure counts since the move started. */}
        <dt title="Writes of this workload that a mirror held until their region was copied, since the workload started">intercepted</dt><dd data-testid="count-intercepted">{stats?.interceptedWrites ?? 0}</dd>
        <dt>errors</dt><dd>{stats?.errors ?? 0}</dd>
        {/* Two pairs, not "p50 / p99" in one: six pairs fill two rows of three without wrapping. */}
        <dt>write p50</dt><dd>{fmtMs(stats?.writeLatencyP50Ms)}</dd>
        <dt>write p99</dt><dd>{fmtMs(stats?.writeLatencyP99Ms)}</dd>
      </dl>
      {stats?.lastError && <p className="error" data-testid="workload-last-error">Last failed IO (not acknowledged, so verify does not count it): {stats.lastError}</p>}
      {verify && <p className={verify.mismatches === 0 ? 'ok' : 'error'} data-testid="verify-result">{verify.summary}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

const fmtMs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${ms.toFixed(1)} ms`);
