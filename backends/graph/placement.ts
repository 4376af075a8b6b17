/** A laid-out view: where each box is and how each arrow runs (layout.ts with ELK, plain-layout.ts without). */
import type { View } from './scope.js';

export type Direction = 'up' | 'down';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Route {
  from: string;
  to: string;
  index: number;
  points: [number, number][];
}

export interface Laid {
  view: View;
  width: number;
  height: number;
  /** By view node key. */
  boxes: Map<string, Box>;
  routes: Route[];
}
