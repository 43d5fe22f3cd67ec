import { describe, expect, it } from "vitest";
import { inlineParams } from "./sql";

describe("inlineParams", () => {
  it("writes each ? as its parameter, text quoted with its quotes doubled", () => {
    expect(
      inlineParams({ sql: "SELECT ? AS a, ?::DOUBLE AS b WHERE x = ?", params: [3, 2.5, "it's <b>"] }),
    ).toBe("SELECT 3 AS a, 2.5::DOUBLE AS b WHERE x = 'it''s <b>'");
  });

  it("leaves ? inside quoted text and identifiers alone", () => {
    expect(inlineParams({ sql: `SELECT '?', "a?b", ?`, params: [1n] })).toBe(`SELECT '?', "a?b", 1`);
  });

  it("refuses a count of parameters that does not match, and numbers SQL cannot write", () => {
    expect(() => inlineParams({ sql: "SELECT ?, ?", params: [1] })).toThrow(/more \?/);
    expect(() => inlineParams({ sql: "SELECT ?", params: [1, 2] })).toThrow(/fewer \?/);
    expect(() => inlineParams({ sql: "SELECT ?", params: [NaN] })).toThrow(/NaN/);
  });
});
