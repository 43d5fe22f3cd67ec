// The generator lives in lib/format/testing, below every test that uses it; this name stays for old imports.
export * from "../../format/testing/synthetic-trace";
