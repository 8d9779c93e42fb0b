// Presentation mode's way to start a manual move without a mouse (M): a modal with one listbox
// at a time, first what to move, then where, each destination with the engine's verdict and,
// for the highlighted yes, the pvmove command. ↑/↓ Home/End move, Enter chooses (on a
// destination: starts the move), Escape goes back a step and then closes. While it is open
// the presentation keys are left alone (usePresentationKeys checks `ui.pickerOpen`).
import { useEffect, useRef, useState } from 'react';
import { STACK_TITLES } from '../../app/api/move';
import { useActions } from '../actions';
import { menuIndexAfter } from '../listKeys';
import { requestFor, selectionLabel, type Selection } from '../store/selection';
import { useAppStore, useAppStoreApi } from '../storeContext';
import { destinationsFor, moveSources, planSummary, verdictText, type PickerVerdict } from './picker';

interface Option {
  key: string;
  label: string;
  detail: string;
  tone?: 'ok' | 'error' | 'muted';
}

/** The verdicts for every destination of `selection` (asked once per source chosen). */
function useVerdicts(selection: Selection | null, destinations: string[]): Record<string, PickerVerdict> {
  const actions = useActions();
  const [verdicts, setVerdicts] = useState<Record<string, PickerVerdict>>({});
  useEffect(() => {
    if (!selection) return;
    let live = true;
    setVerdicts({});
    for (const pv of destinations) void actions.checkDrop(selection, pv).then((v) => live && setVerdicts((all) => ({ ...all, [pv]: v })));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selection, actions]);
  return verdicts;
}

export function MovePicker({ onStarted }: { onStarted: (text: string) => void }) {
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.ui.pickerOpen);
  if (!open) return null;
  return <PickerBody store={store} onStarted={onStarted} />;
}

function PickerBody({ store, onStarted }: { store: ReturnType<typeof useAppStoreApi>; onStarted: (text: string) => void }) {
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs) ?? [];
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]?.name ?? 'vg0');
  const stack = useAppStore((s) => s.move.settings.stack);
  const stepMode = useAppStore((s) => s.move.settings.stepMode);
  const actions = useActions();
  const [source, setSource] = useState<Selection | null>(null);
  const [index, setIndex] = useState(0);
  // Back from the destinations lands on the source chosen before, not on the first one.
  const [sourceIndex, setSourceIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const sources = moveSources(pvs);
  const destinations = source ? destinationsFor(pvs, source) : [];
  const verdicts = useVerdicts(source, destinations);
  useEffect(() => {
    list.current?.focus();
  }, [source]);
  const options: Option[] = source
    ? destinations.map((pv) => ({ key: `dest-${pv}`, label: pv, detail: verdictText(verdicts[pv], pv), tone: verdicts[pv] ? (verdicts[pv]!.ok ? 'ok' : 'error') : 'muted' }))
    : sources.map((s) => ({ key: s.key, label: s.label, detail: s.detail }));
  const current = Math.min(index, Math.max(0, options.length - 1));
  const highlighted = source ? verdicts[destinations[current]] : undefined;
  // The listbox keeps the focus (aria-activedescendant), so the browser does not scroll to the highlighted option by itself.
  // (Braces: a browser whose scrollIntoView returns a promise would hand React a non-function cleanup.)
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [current, source]);
  const close = () => store.getState().setPickerOpen(false);
  const start = async (destination: string) => {
    if (!source || verdicts[destination]?.ok === false) return;
    const s = store.getState();
    s.historyLive();
    const failed = await actions.startMove(requestFor(source, vg, destination));
    if (failed) return setError(failed);
    close();
    onStarted(`moving ${selectionLabel(source)} to ${destination}`);
  };
  const choose = () => {
    if (!source) {
      const picked = sources[current];
      if (!picked) return;
      setSource(picked.selection);
      setSourceIndex(current);
      setIndex(0);
      return;
    }
    void start(destinations[current]);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    // The picker owns every key while open: none reaches presentation mode's window listener.
    e.stopPropagation();
    if (e.key === 'Tab') return e.preventDefault();
    const next = menuIndexAfter(e.key, current, options.length);
    if (next !== null) return (e.preventDefault(), setIndex(next));
    if (e.key === 'Enter' || e.key === ' ') return (e.preventDefault(), choose());
    if (e.key === 'Escape' || (e.key === 'ArrowLeft' && source)) {
      e.preventDefault();
      setError(null);
      if (source) return (setSource(null), setIndex(sourceIndex));
      return close();
    }
  };
  const title = source ? `Move ${selectionLabel(source)} to…` : 'Move: what to move?';
  return (
    <div className="pres-picker" role="dialog" aria-modal="true" aria-labelledby="pres-picker-title" data-testid="presentation-picker" data-stage={source ? 'destination' : 'source'} onKeyDown={onKeyDown}>
      <h2 id="pres-picker-title">{title} <span className="muted">({source ? '2' : '1'} of 2)</span></h2>
      {options.length === 0 ? (
        <p className="muted" tabIndex={-1} ref={(el) => el?.focus()}>{source ? 'There is no other PV to move to.' : 'Nothing to move: no LV has extents on a PV here.'} Esc closes.</p>
      ) : (
        <ol ref={list} role="listbox" tabIndex={0} aria-labelledby="pres-picker-title" aria-activedescendant={`pick-${options[current].key}`} data-testid="presentation-picker-list">
          {options.map((o, i) => (
            <li key={o.key} id={`pick-${o.key}`} role="option" aria-selected={i === current} data-testid={`pick-${o.key}`}>
              <span className="mono">{o.label}</span> <span className={o.tone}>{o.detail}</span>
            </li>
          ))}
        </ol>
      )}
      {highlighted?.ok && <p className="pres-picker-plan mono" data-testid="presentation-picker-plan">{planSummary(highlighted.plan)}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="pres-picker-keys">↑ ↓ choose · Enter {source ? 'start the move' : 'next'} · Esc {source ? 'back' : 'close'} · runs on {STACK_TITLES[stack]}{stepMode ? ', in step mode (Space runs each step)' : ''}</p>
    </div>
  );
}
