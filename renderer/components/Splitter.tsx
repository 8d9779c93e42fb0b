// A pane splitter: drag it (or use the arrow keys) to resize the panes next to it.
export function Splitter({ orientation, onResize, label }: { orientation: 'vertical' | 'horizontal'; onResize: (deltaPx: number) => void; label: string }) {
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
  return <div className={`splitter splitter-${orientation}`} role="separator" aria-orientation={orientation} aria-label={label} tabIndex={0} onPointerDown={onPointerDown} onKeyDown={onKeyDown} />;
}
