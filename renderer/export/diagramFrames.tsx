// Draws video frames of the move diagram. The very same MoveDiagram view the window shows is
// rendered off screen, into a store of its own that the source sets to each instant (the
// live timeline's views, or a recording's replay), with an animation controller that paints
// the region grids only when asked, at the frame's instant. Each frame: set the instant
// (React commits at once: flushSync), paint the grids, serialize the drawing as SVG (only
// re-rasterized when it changed), and compose header + diagram + region grids + caption on
// a canvas of the video's size. Nothing depends on the wall clock, so frames are exact.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { RegionAnimator } from '../animation/regionAnimator';
import { createAppStore, type AppStore } from '../store';
import { StoreContext } from '../storeContext';
import { AnimatorContext, MoveDiagram } from '../views/MoveDiagram';
import { captionOf, captionText, wrapLines, type Caption } from './captions';
import { diagramSvgText, exportTitle, panelBackground } from './diagramExport';
import { figuresText, frameLayout, type FrameLayout } from './frameLayout';
import type { FrameDrawer, FrameSource } from './videoExport';

/** A source the drawer can show: it puts the views of instant `atMs` into `store`. */
export interface StoreFrameSource extends FrameSource {
  showAt(store: AppStore, atMs: number): void;
}

/** The width the diagram is laid out at, px (as in a wide window; the frame scales it). */
export const DIAGRAM_LAYOUT_WIDTH_PX = 1000;

const FONT = 'system-ui, sans-serif';

async function svgImage(text: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await image.decode();
  return image;
}

export class DiagramFrameDrawer implements FrameDrawer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly store: AppStore = createAppStore();
  private readonly animator: RegionAnimator;
  private readonly host: HTMLDivElement;
  private readonly root: Root;
  private image: { text: string; element: HTMLImageElement } | null = null;

  constructor(private readonly source: StoreFrameSource, private readonly size: { width: number; height: number }, readPixelsOften: boolean) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = size.width;
    this.canvas.height = size.height;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: readPixelsOften, alpha: false });
    if (!ctx) throw new Error('This browser gave no 2D canvas to draw the video on.');
    this.ctx = ctx;
    // The grids are painted at the largest scale the diagram can take in this frame, so they stay sharp.
    this.animator = new RegionAnimator(this.store, { manual: true, pixelRatio: Math.max(1, size.width / DIAGRAM_LAYOUT_WIDTH_PX) * 1.5 });
    this.host = document.createElement('div');
    this.host.setAttribute('aria-hidden', 'true');
    this.host.inert = true;
    this.host.dataset.testid = 'video-frame-host';
    this.host.style.cssText = `position: fixed; left: ${-4 * DIAGRAM_LAYOUT_WIDTH_PX}px; top: 0; width: ${DIAGRAM_LAYOUT_WIDTH_PX}px; pointer-events: none;`;
    document.body.append(this.host);
    this.root = createRoot(this.host);
    flushSync(() => {
      source.showAt(this.store, 0);
      this.root.render(
        <StoreContext.Provider value={this.store}>
          <AnimatorContext.Provider value={this.animator}>
            <MoveDiagram />
          </AnimatorContext.Provider>
        </StoreContext.Provider>,
      );
    });
  }

  async draw(atMs: number, burnCaption: boolean): Promise<{ canvas: HTMLCanvasElement; caption: Caption | null }> {
    flushSync(() => this.source.showAt(this.store, atMs));
    this.animator.paintAt(atMs);
    const state = this.store.getState();
    const caption = captionOf(state.move.state);
    const container = this.host.querySelector<HTMLElement>('[data-testid="move-diagram"]');
    const svgElement = container?.querySelector('svg.diagram-svg');
    const diagram = { width: Number(svgElement?.getAttribute('width')) || DIAGRAM_LAYOUT_WIDTH_PX, height: Number(svgElement?.getAttribute('height')) || 300 };
    const layout = frameLayout(this.size.width, this.size.height, diagram, burnCaption);
    const ctx = this.ctx;
    ctx.fillStyle = container ? panelBackground(container) : '#ffffff';
    ctx.fillRect(0, 0, this.size.width, this.size.height);
    const color = container ? getComputedStyle(container).color || '#1c2128' : '#1c2128';
    const svg = container ? diagramSvgText(container, state, { title: false, regions: false, scale: layout.diagram.scale }) : null;
    this.drawHeader(layout, svg ? exportTitle(state, svg.subject) : 'The LV is not active, so there is no device to draw.', figuresText(state, atMs), color);
    if (svg && container) {
      await this.drawDiagram(svg.text, diagram, layout);
      this.drawRegionGrids(container, layout);
    }
    if (layout.caption && caption) this.drawCaption(layout, captionText(caption));
    return { canvas: this.canvas, caption };
  }

  private drawHeader(layout: FrameLayout, title: string, figures: string, color: string): void {
    const ctx = this.ctx;
    ctx.fillStyle = color;
    ctx.textBaseline = 'alphabetic';
    ctx.font = `700 ${layout.title.font}px ${FONT}`;
    const measure = (s: string) => ctx.measureText(s).width;
    ctx.fillText(wrapLines(title, layout.title.maxWidth, 1, measure)[0] ?? '', layout.title.x, layout.title.y);
    ctx.font = `400 ${layout.figures.font}px ${FONT}`;
    ctx.globalAlpha = 0.8;
    ctx.fillText(wrapLines(figures, layout.figures.maxWidth, 1, measure)[0] ?? '', layout.figures.x, layout.figures.y);
    ctx.globalAlpha = 1;
  }

  private async drawDiagram(text: string, diagram: { width: number; height: number }, layout: FrameLayout): Promise<void> {
    // The drawing changes a few times a second at most (progress reports): rasterize it only then.
    if (this.image?.text !== text) this.image = { text, element: await svgImage(text) };
    const s = layout.diagram.scale;
    this.ctx.drawImage(this.image.element, layout.diagram.x, layout.diagram.y, diagram.width * s, diagram.height * s);
  }

  private drawRegionGrids(container: HTMLElement, layout: FrameLayout): void {
    const s = layout.diagram.scale;
    for (const canvas of container.querySelectorAll<HTMLCanvasElement>('canvas.region-canvas')) {
      const x = parseFloat(canvas.style.left) || 0;
      const y = parseFloat(canvas.style.top) || 0;
      const w = parseFloat(canvas.style.width) || canvas.width;
      const h = parseFloat(canvas.style.height) || canvas.height;
      this.ctx.drawImage(canvas, layout.diagram.x + x * s, layout.diagram.y + y * s, w * s, h * s);
    }
  }

  private drawCaption(layout: FrameLayout, text: string): void {
    const band = layout.caption!;
    const ctx = this.ctx;
    ctx.fillStyle = 'rgba(17, 24, 39, 0.88)';
    ctx.fillRect(0, band.y, this.size.width, band.height);
    ctx.fillStyle = '#ffffff';
    ctx.font = `500 ${band.font}px ${FONT}`;
    ctx.textBaseline = 'middle';
    const lines = wrapLines(text, band.maxWidth, band.lines, (s) => ctx.measureText(s).width);
    const top = band.y + (band.height - lines.length * band.lineHeight) / 2;
    lines.forEach((line, i) => ctx.fillText(line, band.textX, top + (i + 0.5) * band.lineHeight));
    ctx.textBaseline = 'alphabetic';
  }

  dispose(): void {
    this.root.unmount();
    this.host.remove();
  }
}
