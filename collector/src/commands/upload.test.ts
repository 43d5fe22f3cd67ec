import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../command";
import upload from "./upload";

afterEach(() => vi.unstubAllEnvs());

describe("tickscope upload's options", () => {
  it("reads --server=URL and --server URL alike, and names what is wrong before any request", async () => {
    vi.stubEnv("TICKSCOPE_SERVER", "");
    await expect(upload.run(["missing.zip", "--server=http://127.0.0.1:9"])).rejects.toThrow(
      /missing\.zip: no such file or folder/,
    );
    await expect(upload.run(["missing.zip", "--server", "ftp://host"])).rejects.toThrow(
      /--server: expected an http or https URL, found "ftp:\/\/host"/,
    );
  });

  it("refuses unknown options, a missing value, a second PATH and a missing server", async () => {
    vi.stubEnv("TICKSCOPE_SERVER", "");
    await expect(upload.run(["a.zip", "--colour"])).rejects.toThrow(/Unknown option '--colour'/);
    await expect(upload.run(["a.zip", "--server"])).rejects.toThrow(/--server.*argument missing/);
    await expect(upload.run(["a.zip", "b.zip", "--server", "http://h"])).rejects.toThrow(
      /one PATH only, found also "b\.zip"/,
    );
    await expect(upload.run(["a.zip"])).rejects.toThrow(/--server URL is missing/);
    await expect(upload.run([])).rejects.toThrow(UsageError);
  });
});
