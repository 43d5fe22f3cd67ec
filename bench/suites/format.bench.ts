import { tableToIPC, tableFromArrays } from "apache-arrow";
import { encodeRunFile } from "../../lib/format/run-writer";
import { syntheticColumns } from "../../lib/format/testing/synthetic-trace";
import { timeMedian, type Suite } from "../figure";

const ROWS = 10_000_000;

/** Writing a run file: the streaming batch writer beside building one whole apache-arrow Table. */
const suite: Suite = async () => {
  const { ts, duration } = syntheticColumns({ samples: ROWS });
  const runs = 5;
  const streaming = await timeMedian(() => encodeRunFile({ ts, duration }, { test: "tick" }), runs);
  const naive = await timeMedian(
    () => tableToIPC(tableFromArrays({ ts_ns: ts, duration_ns: duration }), "file"),
    runs,
  );
  return [
    {
      name: `encode ${ROWS / 1e6}M samples as an Arrow file`,
      median: streaming,
      unit: "ms",
      runs,
      naive: { name: "tableFromArrays + tableToIPC", median: naive },
    },
  ];
};
export default suite;
