import { describe, expect, it } from "vitest";
import { readS3Settings } from "./s3-settings";

describe("the S3 store's settings", () => {
  it("keep the filesystem store when TICKSCOPE_STORE is unset", () => {
    expect(readS3Settings({})).toBeNull();
  });

  it("read the bucket, prefix, endpoint, region and path style", () => {
    expect(
      readS3Settings({
        TICKSCOPE_STORE: "s3://lab-traces/tickscope/",
        TICKSCOPE_S3_ENDPOINT: "http://minio.lab:9000/",
        TICKSCOPE_S3_REGION: "eu-west-1",
        TICKSCOPE_S3_FORCE_PATH_STYLE: "1",
      }),
    ).toEqual({
      bucket: "lab-traces",
      prefix: "tickscope/",
      endpoint: "http://minio.lab:9000",
      region: "eu-west-1",
      forcePathStyle: true,
      proxy: undefined,
      urlExpirySeconds: 900,
      staleUploadSeconds: 86400,
    });
    expect(readS3Settings({ TICKSCOPE_STORE: "s3://lab-traces" })).toMatchObject({
      prefix: "",
      endpoint: undefined,
    });
  });

  it.each([
    [{ TICKSCOPE_STORE: "/srv/store" }, /^TICKSCOPE_STORE: expected s3:\/\/bucket\/prefix/],
    [{ TICKSCOPE_STORE: "s3://A_Bucket/x" }, /^TICKSCOPE_STORE: "A_Bucket" is not a bucket name/],
    [
      { TICKSCOPE_STORE: "s3://ok-bucket", TICKSCOPE_S3_ENDPOINT: "minio:9000" },
      /^TICKSCOPE_S3_ENDPOINT: expected an http or https URL/,
    ],
    [
      { TICKSCOPE_STORE: "s3://ok-bucket", TICKSCOPE_S3_PROXY: "maybe" },
      /^TICKSCOPE_S3_PROXY: expected 1 or 0, found "maybe"/,
    ],
    [
      { TICKSCOPE_STORE: "s3://ok-bucket", TICKSCOPE_S3_URL_EXPIRY_SECONDS: "1e9" },
      /^TICKSCOPE_S3_URL_EXPIRY_SECONDS: expected a number of seconds from 1 to 604800/,
    ],
  ])("name the setting that is wrong: %j", (env, message) => {
    expect(() => readS3Settings(env)).toThrow(message);
  });
});
