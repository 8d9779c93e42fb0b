// A pane splitter: drag it (or use the arrow keys) to resize the panes next to it. As a
// focusable separator it tells assistive technology where it stands (aria-valuenow: the share
// of the pane before it, in percent, measured after each layout).
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

export function Splitter({ orientation, onResize: resizePanes, label }: { orientation: 'vertical' | 'horizontal'; onResize: (deltaPx: number) => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [share, setShare] = useState(50);
  const measure = useCallback(() => {
    const before = ref.current?.previousElementSibling?.getBoundingClientRect();
    const whole = ref.current?.parentElement?.getBoundingClientRect();
    if (!before || !whole) return;
    const size = (r: DOMRect) => (orientation === 'vertical' ? r.width : r.height);
    setShare(size(whole) > 0 ? Math.round((size(before) / size(whole)) * 100) : 50);
  }, [orientation]);
  useLayoutEffect(measure, [measure]);
  const onResize = (deltaPx: number) => {
    resizePanes(deltaPx);
    requestAnimationFrame(measure);
  };
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    let last = orientation === 'vertical' ? e.clientX : e.clientY;
    const move = (m: PointerEvent) => {
      const at = orientation === 'vertical' ? m.clientX : m.clientY;
      onResize(at - last);
      last = at;
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 64 : 16;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') onResize(-step);
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') onResize(step);
  };
  return <div ref={ref} className={`splitter splitter-${orientation}`} role="separator" aria-orientation={orientation} aria-label={label} aria-valuenow={share} aria-valuemin={0} aria-valuemax={100} tabIndex={0} onPointerDown={onPointerDown} onKeyDown={onKeyDown} />;
}
