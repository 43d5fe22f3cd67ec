/**
 * A legend above the plot, starting right of the value axis's name (drawn above the axis, top left), so
 * that it never covers the name however many runs it lists; past the width it scrolls.
 */
export const LEGEND_ABOVE_PLOT = { type: "scroll", top: 0, left: 128, right: 8 } as const;
