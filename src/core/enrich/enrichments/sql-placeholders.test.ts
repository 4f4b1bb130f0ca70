/**
 * @module
 * Placeholder counting and numbering, with `?` hidden in every kind of literal and comment.
 */
import { describe, expect, test } from "bun:test";
import { countPlaceholders, numberPlaceholders } from "./sql-placeholders.ts";

describe("sql placeholders", () => {
  test("plain placeholders", () => {
    const sql = "SELECT * FROM users WHERE id = ? AND tenant = ?";
    expect(countPlaceholders(sql)).toBe(2);
    expect(numberPlaceholders(sql)).toBe("SELECT * FROM users WHERE id = $1 AND tenant = $2");
  });

  test("question marks that are not placeholders", () => {
    const sql = [
      "SELECT 'a?b', 'it''s ?', E'\\'?', \"col?\", $$dollar ? quoted$$, $t$ also ? $t$ -- a comment?",
      "FROM t /* block ? /* nested ? */ still ? */ WHERE x = ? AND doc ?? 'key' AND y = ?",
    ].join("\n");
    expect(countPlaceholders(sql)).toBe(2);
    expect(numberPlaceholders(sql)).toBe(
      [
        "SELECT 'a?b', 'it''s ?', E'\\'?', \"col?\", $$dollar ? quoted$$, $t$ also ? $t$ -- a comment?",
        "FROM t /* block ? /* nested ? */ still ? */ WHERE x = $1 AND doc ? 'key' AND y = $2",
      ].join("\n"),
    );
  });

  test("existing $n parameters and identifiers with $ are left alone", () => {
    expect(countPlaceholders("SELECT a$b FROM t WHERE c = ?")).toBe(1);
    expect(numberPlaceholders("SELECT a$b FROM t WHERE c = ?")).toBe("SELECT a$b FROM t WHERE c = $1");
  });

  test("none", () => {
    expect(countPlaceholders("SELECT 1")).toBe(0);
    expect(countPlaceholders("")).toBe(0);
  });
});
