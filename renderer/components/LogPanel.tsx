import { memo, useLayoutEffect, useRef } from 'react';
import type { LogEvent } from '../../app/api';
import { formatLogTime } from '../format';
import { useAppStore } from '../storeContext';

/** How close to the bottom (px) counts as "following" the log. */
const FOLLOW_SLACK_PX = 24;

/** Lines shown: the newest (the store keeps a few more for a window that attaches). */
const SHOWN_LINES = 60;

/**
 * The newest engine log lines (the `log` event), with their times, newest at the bottom.
 * The list follows new lines (stays scrolled to the bottom) unless the reader has scrolled
 * up to read older ones.
 */
export function LogPanel() {
  const log = useAppStore((s) => s.engine.log);
  // The panel itself is the scroll container (the bottom pane has a fixed height).
  const list = useRef<HTMLElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    const el = list.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [log]);
  const onScroll = () => {
    const el = list.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
  };
  return (
    // Focusable: a scroll container keyboard users can scroll (axe's scrollable-region-focusable, once the log overflows).
    <section className="panel log" aria-labelledby="log-title" ref={list} onScroll={onScroll} tabIndex={0}>
      <h2 id="log-title">Event log</h2>
      <ol className="log-lines mono" data-testid="log">
        {lineKeys(log.slice(-SHOWN_LINES)).map(({ line, key }) => <LogLine key={key} line={line} />)}
      </ol>
    </section>
  );
}

/**
 * Keys that stay with their line when a new one comes and the oldest goes (a key by position
 * changed for every line shown, so each new line re-created all sixty): the line itself, and
 * which of its equal lines it is.
 */
function lineKeys(lines: readonly LogEvent[]): Array<{ line: LogEvent; key: string }> {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const text = `${line.timeMs}\u0000${line.source}\u0000${line.message}`;
    const nth = seen.get(text) ?? 0;
    seen.set(text, nth + 1);
    return { line, key: `${text}\u0000${nth}` };
  });
}

const LogLine = memo(function LogLine({ line }: { line: LogEvent }) {
  return (
    <li className={`log-${line.level}`}>
      <span className="log-time">{formatLogTime(line.timeMs)}</span> <span className="log-source">{line.source}</span> {line.message}
    </li>
  );
});
