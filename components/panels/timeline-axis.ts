/**
 * What the timeline chart offers the tracks drawn under it: the window it draws (its latest answer),
 * its pixel columns, and where that window's ends lie in the chart's box (x, CSS pixels), read from the
 * chart once drawn, so that a track lines up with the samples exactly.
 */
export interface TimelineAxis {
  t0: number;
  t1: number;
  columns: number;
  x0: number;
  x1: number;
}
