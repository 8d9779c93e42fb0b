import { formatLogTime } from '../format';
import { useAppStore } from '../storeContext';

/** The newest engine log lines (the `log` event), with their times, newest at the bottom. */
export function LogPanel() {
  const log = useAppStore((s) => s.engine.log);
  return (
    <section className="panel log" aria-labelledby="log-title">
      <h2 id="log-title">Event log</h2>
      <ol className="log-lines mono" data-testid="log">
        {log.slice(-60).map((line, i) => (
          <li key={`${line.timeMs}-${i}`} className={`log-${line.level}`}>
            <span className="log-time">{formatLogTime(line.timeMs)}</span> <span className="log-source">{line.source}</span> {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
