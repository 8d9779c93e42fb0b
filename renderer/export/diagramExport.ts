// Export of the move diagram for slides and handouts. The diagram on screen is an SVG (boxes,
// arrows, labels) with the mirror's region grid painted on canvases laid over it; the export
// clones the SVG, writes every computed style the drawing depends on as presentation
// attributes (so the file stands alone, without the app's stylesheet or CSS variables),
// adds each region canvas as an embedded PNG <image> at its place, and a title line saying
// which devices and which step it shows. PNG = that SVG drawn onto a canvas at 2x.
import type { MoveStateView } from '../../app/api/move';
import type { AppState } from '../store';
import { currentStep } from '../store/stepList';

/** The computed properties copied onto each exported element (what the drawing's CSS sets). */
export const EXPORTED_STYLE_PROPERTIES = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-family', 'font-size', 'font-weight'] as const;

const TITLE_HEIGHT_PX = 30;

/** The move the export shows: the replayed snapshot's, else the live one. */
function shownMove(state: Pick<AppState, 'move' | 'presenting'>): { move: MoveStateView | null; replayed: boolean } {
  const snapshot = state.presenting.history.cursor === null ? null : state.presenting.history.snapshots[state.presenting.history.cursor];
  return { move: snapshot?.views.move ?? state.move.state, replayed: snapshot !== null && snapshot !== undefined };
}

/**
 * The title line of an export: what the diagram draws, the step and the status, e.g.
 * `vg0-lv0 · step 4 of 8: Resume and copy · running`, or for the lvm2 stack
 * `vg0-lv0 over vg0-pvmove0 · step 5 of 13: Mirror segment 1 · running · lvm2 stack`.
 */
export function exportTitle(state: Pick<AppState, 'move' | 'presenting'>, subject: string): string {
  const { move, replayed } = shownMove(state);
  const step = move ? currentStep(move) : null;
  if (!move || !step) return `${subject} · no move`;
  const stack = move.stack === 'lvm2' ? ' · lvm2 stack' : '';
  return `${subject} · step ${step.index} of ${move.steps.length}: ${step.name}${step.lv && move.plan.lvs.length > 1 ? ` (${step.lv})` : ''} · ${replayed ? 'replayed' : move.status}${stack}`;
}

/** `lvmscope-vg0-lv0-step4` (outline) or `lvmscope-vg0-pvmove0-step4` (lvm2): the file name (without extension) of an export. */
export function exportFileBase(state: Pick<AppState, 'move' | 'presenting' | 'workspace'>): string {
  const { move } = shownMove(state);
  const lv = move?.stack === 'lvm2' ? 'pvmove0' : (move?.currentLv ?? move?.plan.lvs[0] ?? state.workspace.view?.vgs[0]?.lvs.find((l) => !l.hidden)?.name ?? 'diagram');
  const step = move ? currentStep(move) : null;
  return `lvmscope-${move?.vg ?? state.workspace.view?.vgs[0]?.name ?? 'vg'}-${lv}${step ? `-step${step.index}` : ''}`;
}

function inlineComputedStyles(source: Element, clone: Element): void {
  const style = getComputedStyle(source);
  for (const name of EXPORTED_STYLE_PROPERTIES) {
    const value = style.getPropertyValue(name);
    if (value && value !== 'normal') clone.setAttribute(name, value);
  }
  clone.removeAttribute('class');
  const from = source.children;
  const to = clone.children;
  for (let i = 0; i < from.length && i < to.length; i += 1) inlineComputedStyles(from[i], to[i]);
}

/** The region canvases as <image> elements at their place in the diagram (logical px). */
function regionImages(container: HTMLElement, doc: Document): SVGImageElement[] {
  return [...container.querySelectorAll<HTMLCanvasElement>('canvas.region-canvas')].map((canvas) => {
    const image = doc.createElementNS('http://www.w3.org/2000/svg', 'image');
    image.setAttribute('x', String(parseFloat(canvas.style.left) || 0));
    image.setAttribute('y', String(parseFloat(canvas.style.top) || 0));
    image.setAttribute('width', String(parseFloat(canvas.style.width) || canvas.width));
    image.setAttribute('height', String(parseFloat(canvas.style.height) || canvas.height));
    image.setAttribute('href', canvas.toDataURL('image/png'));
    return image;
  });
}

/** What a caller leaves out of the exported SVG, and the size it is drawn at. */
export interface SvgExportOptions {
  /** The title line above the drawing (a video draws its own). Default true. */
  title?: boolean;
  /** The region grids as embedded PNGs (a video draws the canvases itself, each frame). Default true. */
  regions?: boolean;
  /** The document's width and height are this multiple of the drawing's (its viewBox stays), so an image of it rasterizes sharp. Default 1. */
  scale?: number;
}

/** The diagram in `container` as a stand-alone SVG document, with its size (logical px, before `scale`). */
export function diagramSvgText(container: HTMLElement, state: Pick<AppState, 'move' | 'presenting'>, options: SvgExportOptions = {}): { text: string; width: number; height: number; subject: string } | null {
  const svg = container.querySelector<SVGSVGElement>('svg.diagram-svg');
  if (!svg) return null;
  const { title: withTitle = true, regions = true, scale = 1 } = options;
  const ns = 'http://www.w3.org/2000/svg';
  const width = Number(svg.getAttribute('width')) || 600;
  const height = Number(svg.getAttribute('height')) || 360;
  const titleHeight = withTitle ? TITLE_HEIGHT_PX : 0;
  const total = height + titleHeight;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyles(svg, clone);
  const doc = svg.ownerDocument;
  const out = doc.createElementNS(ns, 'svg');
  out.setAttribute('xmlns', ns);
  out.setAttribute('width', String(width * scale));
  out.setAttribute('height', String(total * scale));
  out.setAttribute('viewBox', `0 0 ${width} ${total}`);
  const panel = getComputedStyle(container.closest('.panel') ?? container);
  const background = doc.createElementNS(ns, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', panelBackground(container));
  // The drawing names its own subject (the LV device, or the LVs over pvmove0).
  const subject = svg.getAttribute('data-subject') ?? svg.querySelector('text.box-label')?.textContent ?? 'lv';
  const titleText = exportTitle(state, subject);
  const title = doc.createElementNS(ns, 'title');
  title.textContent = titleText;
  const body = doc.createElementNS(ns, 'g');
  body.setAttribute('transform', `translate(0 ${titleHeight})`);
  // The clone keeps its own <defs> (the arrow marker) and geometry; nested <svg> is valid.
  clone.removeAttribute('style');
  body.append(clone, ...(regions ? regionImages(container, doc) : []));
  out.append(title, background);
  if (withTitle) {
    const heading = doc.createElementNS(ns, 'text');
    heading.setAttribute('x', '4');
    heading.setAttribute('y', '20');
    heading.setAttribute('font-size', '16');
    heading.setAttribute('font-weight', '700');
    heading.setAttribute('font-family', 'system-ui, sans-serif');
    heading.setAttribute('fill', panel.color || '#1c2128');
    heading.textContent = titleText;
    out.append(heading);
  }
  out.append(body);
  return { text: new XMLSerializer().serializeToString(out), width, height: total, subject };
}

/** The diagram panel's background colour (white when it is transparent). */
export function panelBackground(container: HTMLElement): string {
  const panel = getComputedStyle(container.closest('.panel') ?? container);
  return panel.backgroundColor && panel.backgroundColor !== 'rgba(0, 0, 0, 0)' ? panel.backgroundColor : '#ffffff';
}

/** Draws an SVG document onto a canvas (scale × its size) and returns the PNG. */
export async function svgToPngBlob(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}

/** Offers `blob` as a download named `fileName` (a link click; works in Electron too). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
