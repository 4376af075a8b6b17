/**
 * Pan and zoom for the diagram: the canvas (the SVG's holder) is moved and scaled by a CSS transform inside
 * its frame. Mouse: the wheel zooms at the pointer, dragging pans. Keyboard, with the frame focused: `+` and
 * `-` zoom, the arrows pan, `0` fits. The toolbar's buttons do the same.
 */
export class Zoom {
  private scale = 1;
  private x = 0;
  private y = 0;
  private drag: { x: number; y: number; px: number; py: number } | undefined;

  constructor(
    private readonly frame: HTMLElement,
    private readonly canvas: HTMLElement,
  ) {
    frame.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = frame.getBoundingClientRect();
        this.zoomAt(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
    frame.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node.block')) return;
      this.drag = { x: this.x, y: this.y, px: e.clientX, py: e.clientY };
      frame.setPointerCapture(e.pointerId);
    });
    frame.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      this.x = this.drag.x + e.clientX - this.drag.px;
      this.y = this.drag.y + e.clientY - this.drag.py;
      this.apply();
    });
    const end = () => (this.drag = undefined);
    frame.addEventListener('pointerup', end);
    frame.addEventListener('pointercancel', end);
    frame.addEventListener('keydown', (e) => {
      if (e.target !== frame) return;
      const step = 40;
      const keys: Record<string, () => void> = {
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        '0': () => this.reset(),
        ArrowLeft: () => this.pan(step, 0),
        ArrowRight: () => this.pan(-step, 0),
        ArrowUp: () => this.pan(0, step),
        ArrowDown: () => this.pan(0, -step),
      };
      const action = keys[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    });
  }

  zoomBy(factor: number): void {
    const r = this.frame.getBoundingClientRect();
    this.zoomAt(factor, r.width / 2, r.height / 2);
  }

  pan(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  /** Fits the drawing's width (at most its natural size) and shows its top. */
  reset(): void {
    const svg = this.canvas.querySelector('svg');
    const width = svg ? Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width : 0;
    const available = this.frame.clientWidth - 16;
    this.scale = width > 0 ? Math.min(1, available / width) : 1;
    this.x = Math.max(8, (available - width * this.scale) / 2);
    this.y = 8;
    this.apply();
  }

  private zoomAt(factor: number, cx: number, cy: number): void {
    const scale = Math.min(8, Math.max(0.05, this.scale * factor));
    const f = scale / this.scale;
    this.x = cx - (cx - this.x) * f;
    this.y = cy - (cy - this.y) * f;
    this.scale = scale;
    this.apply();
  }

  private apply(): void {
    this.canvas.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
  }
}
