import { OpenControls } from "../workspace/open-controls";

/** What a first visit sees: what tickscope opens, and the two ways to open it. */
export function EmptyState() {
  return (
    <section
      data-testid="empty-state"
      aria-labelledby="empty-title"
      className="mx-auto mt-10 max-w-2xl rounded-xl border border-dashed border-line-strong bg-surface p-8 text-center"
    >
      <h2 id="empty-title" className="text-[17px] font-semibold">
        Open latency traces
      </h2>
      <p id="open-hint" className="mx-auto mt-2 max-w-lg text-muted">
        Drop a result bundle (a <span className="num">.zip</span> or a folder with{" "}
        <span className="num">manifest.json</span>) or one or more <span className="num">.arrow</span> run
        files anywhere on this page. Files are read in your browser; nothing is uploaded unless you press
        Share, which asks first.
      </p>
      <div className="mt-5 flex justify-center">
        <OpenControls />
      </div>
      <p className="mt-5 text-[12px] text-faint">
        No data yet? <span className="num">npx tickscope collect matrix</span> captures a set on a Linux
        machine;
        <span className="num"> npm run demo</span> opens one.
      </p>
    </section>
  );
}
