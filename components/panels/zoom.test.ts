import { describe, expect, it } from "vitest";
import { clampWindow, keyAction, panWindow, windowAround, zoomWindow } from "./zoom";

const HOUR = 3.6e12;

describe("timeline window arithmetic", () => {
  it("zooms around the centre and keeps the window inside the run", () => {
    expect(zoomWindow({ t0: 0, t1: HOUR }, 0.5, 0, HOUR)).toEqual({ t0: HOUR / 4, t1: (3 * HOUR) / 4 });
    expect(zoomWindow({ t0: 0, t1: 100e9 }, 4, 0, HOUR)).toEqual({ t0: 0, t1: 400e9 });
  });

  it("zooms around a pointer position, keeping it where it was", () => {
    const zoomed = zoomWindow({ t0: 0, t1: 1000e6 }, 0.1, 0, HOUR, 250e6);
    expect(zoomed.t0).toBeCloseTo(225e6);
    expect(zoomed.t1).toBeCloseTo(325e6);
  });

  it("pans by a fraction of the window and stops at the run's ends", () => {
    expect(panWindow({ t0: 100, t1: 200_100 }, 0.25, 0, HOUR)).toEqual({ t0: 50_100, t1: 250_100 });
    expect(panWindow({ t0: 0, t1: 10_000 }, -1, 0, HOUR)).toEqual({ t0: 0, t1: 10_000 });
    expect(panWindow({ t0: HOUR - 10_000, t1: HOUR }, 1, 0, HOUR)).toEqual({ t0: HOUR - 10_000, t1: HOUR });
  });

  it("never zooms below a microsecond nor beyond the run", () => {
    expect(clampWindow({ t0: 5, t1: 6 }, 0, HOUR)).toEqual({ t0: 5, t1: 1005 });
    expect(clampWindow({ t0: -10, t1: 2 * HOUR }, 0, HOUR)).toEqual({ t0: 0, t1: HOUR });
    expect(windowAround(10, 1e6, 0, HOUR)).toEqual({ t0: 0, t1: 1e6 });
  });

  it("maps the timeline's keys to windows and leaves other keys alone", () => {
    const shown = { t0: 0, t1: 100e9 };
    expect(keyAction("+", shown, 0, HOUR)).toEqual({ t0: 25e9, t1: 75e9 });
    expect(keyAction("=", shown, 0, HOUR)).toEqual({ t0: 25e9, t1: 75e9 });
    expect(keyAction("-", { t0: 100e9, t1: 200e9 }, 0, HOUR)).toEqual({ t0: 50e9, t1: 250e9 });
    expect(keyAction("ArrowRight", shown, 0, HOUR)).toEqual({ t0: 25e9, t1: 125e9 });
    expect(keyAction("Home", shown, 0, HOUR)).toEqual({ t0: 0, t1: HOUR });
    expect(keyAction("a", shown, 0, HOUR)).toBeNull();
  });
});
