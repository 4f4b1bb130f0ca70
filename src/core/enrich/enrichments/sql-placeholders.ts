/**
 * @module
 * JDBC-style `?` placeholders in the sql_query enrichment's `query.sql`. Enrich hands the text to
 * JDBC, which counts the placeholders (`getParameterMetaData().getParameterCount()`) and binds
 * values by position; drivers that speak PostgreSQL's protocol need `$1, $2, …` instead. This
 * lexer finds the `?`s that are placeholders, skipping what pgjdbc skips: string literals
 * (`'…'`, with `''` escapes, and `E'…'` with backslash escapes), quoted identifiers (`"…"`),
 * dollar-quoted strings (`$tag$…$tag$`), `--` line comments and nested block comments. As in
 * pgjdbc, `??` is an escaped literal `?` (for jsonb's `?`, `?|`, `?&` operators).
 */

type Piece = { readonly kind: "text"; readonly text: string } | { readonly kind: "placeholder" };

function lex(sql: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number) => {
    text += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? "";
    if (c === "'") {
      // A standard string; E'…' (the E was already copied) also allows backslash escapes.
      const escapes = /[eE]$/.test(text) && !/[A-Za-z0-9_]$/.test(text.slice(0, -1));
      let j = i + 1;
      while (j < n) {
        if (escapes && sql[j] === "\\") j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      copyUntil(Math.min(j + 1, n));
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      copyUntil(Math.min(j + 1, n));
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      copyUntil(end < 0 ? n : end);
    } else if (c === "/" && next === "*") {
      let depth = 0;
      let j = i;
      while (j < n) {
        if (sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      copyUntil(j);
    } else if (c === "$" && !/[A-Za-z0-9_$]$/.test(text)) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag === null) {
        copyUntil(i + 1);
      } else {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        copyUntil(close < 0 ? n : close + tag[0].length);
      }
    } else if (c === "?" && next === "?") {
      text += "?";
      i += 2;
    } else if (c === "?") {
      pieces.push({ kind: "text", text });
      pieces.push({ kind: "placeholder" });
      text = "";
      i++;
    } else {
      copyUntil(i + 1);
    }
  }
  pieces.push({ kind: "text", text });
  return pieces;
}

/** How many `?` placeholders the statement has. */
export function countPlaceholders(sql: string): number {
  return lex(sql).filter((p) => p.kind === "placeholder").length;
}

/**
 * The statement with its `?` placeholders numbered `$1, $2, …` (and `??` turned back into `?`), as
 * PostgreSQL's extended protocol expects.
 *
 * @example numberPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?'") // "… a = $1 AND b = '?'"
 */
export function numberPlaceholders(sql: string): string {
  let count = 0;
  return lex(sql)
    .map((p) => (p.kind === "text" ? p.text : `$${++count}`))
    .join("");
}
