import type { Command } from "../command";
import { readFingerprint } from "../host";
import { parseOptions } from "../options";

const fingerprint: Command = {
  summary: "print this machine's environment fingerprint as JSON (hypervisor, clocksource, HZ, ...)",
  usage: "fingerprint",
  async run(args) {
    parseOptions(args, {}, false);
    console.log(JSON.stringify(await readFingerprint(), null, 2));
    return 0;
  },
};
export default fingerprint;
