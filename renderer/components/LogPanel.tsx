import { useLayoutEffect, useRef } from 'react';
import { formatLogTime } from '../format';
import { useAppStore } from '../storeContext';

/** How close to the bottom (px) counts as "following" the log. */
const FOLLOW_SLACK_PX = 24;

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
        {log.slice(-60).map((line, i) => (
          <li key={`${line.timeMs}-${i}`} className={`log-${line.level}`}>
            <span className="log-time">{formatLogTime(line.timeMs)}</span> <span className="log-source">{line.source}</span> {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
