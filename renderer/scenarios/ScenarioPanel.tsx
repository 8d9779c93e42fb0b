// The demo scenarios in the main window: a panel listing scenario.list with "Run scenario…"
// (each runs in a fresh folder beside the workspace), and the running scenario's narration
// as a caption across the top of the window, where the audience looks.
import { useState } from 'react';
import { usePresentationActions } from '../presentation/actions';
import { useAppStore } from '../storeContext';

export function ScenarioPanel() {
  const scenarios = useAppStore((s) => s.presenting.scenarios);
  const running = useAppStore((s) => s.presenting.scenario?.status === 'running');
  const error = useAppStore((s) => s.presenting.error);
  const actions = usePresentationActions();
  const [chosen, setChosen] = useState('');
  const name = chosen || scenarios[0]?.name || '';
  const description = scenarios.find((s) => s.name === name)?.description;
  const why = running ? 'A scenario is running; wait for it to end.' : scenarios.length === 0 ? 'The host offers no scenarios.' : `Create a fresh workspace for '${name}' beside this one and run its script`;
  return (
    <section className="panel scenarios" aria-labelledby="scenarios-title">
      <h2 id="scenarios-title">Scenarios</h2>
      <div className="control-row">
        <select aria-label="scenario" data-testid="scenario-select" value={name} onChange={(e) => setChosen(e.target.value)}>
          {scenarios.map((s) => <option key={s.name} value={s.name}>{s.title}</option>)}
        </select>
        <button type="button" data-testid="scenario-run" disabled={running || !name} title={why} onClick={() => void actions.runScenario(name)}>Run scenario…</button>
      </div>
      {description && <p className="muted scenario-description">{description}</p>}
      {error && <p className="error" role="alert" data-testid="presenting-error">{error}</p>}
    </section>
  );
}

export function ScenarioCaption() {
  const scenario = useAppStore((s) => s.presenting.scenario);
  if (!scenario) return null;
  const step = `${Math.min(scenario.actionIndex + 1, scenario.actionCount)} / ${scenario.actionCount}`;
  return (
    <div className={`scenario-caption scenario-${scenario.status}`} role="status" data-testid="scenario-caption" data-status={scenario.status}>
      <strong>{scenario.title}</strong>
      <span className="scenario-narration" data-testid="scenario-narration">{scenario.status === 'failed' ? `Failed: ${scenario.error}` : scenario.narration}</span>
      <span className="scenario-progress mono">{scenario.status === 'running' ? `action ${step}` : scenario.status}</span>
    </div>
  );
}
