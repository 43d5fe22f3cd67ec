import type { ViewState } from "@/lib/url/view-state";

/**
 * The view as the share link's page will name its runs: a run named by its bundle ("demo/kvm-matrix/tick")
 * is named by the stored bundle's id there ("<id>/tick"), so the focus, the chosen runs and the labels
 * the user gave still find their runs. `stored` maps each uploaded bundle's name to its id.
 */
export function relinkView(view: ViewState, stored: ReadonlyMap<string, string>): ViewState {
  const names = [...stored.keys()].sort((a, b) => b.length - a.length);
  const relink = (ref: string) => {
    const name = names.find((n) => ref.startsWith(`${n}/`));
    return name === undefined ? ref : `${stored.get(name)}/${ref.slice(name.length + 1)}`;
  };
  return {
    ...view,
    focus: view.focus === null ? null : relink(view.focus),
    runs: view.runs.map(relink),
    labels: Object.fromEntries(Object.entries(view.labels).map(([ref, label]) => [relink(ref), label])),
  };
}
