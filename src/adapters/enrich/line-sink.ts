/**
 * @module
 * A `RecordSink` that writes each record's bytes as one line of UTF-8 text: enriched TSV and bad
 * rows are text already, so `furrow enrich` on a file prints them as they are (unlike the stdout
 * sink, which prints binary raw records in base64). A write is acknowledged once the writer
 * function returns, or once the promise it returns settles.
 */
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";

const utf8 = new TextDecoder();

export class LineSink implements RecordSink {
  readonly maxRecordBytes: number;
  recordsWritten = 0;
  readonly #write: (text: string) => unknown;

  constructor(write: (text: string) => unknown, maxRecordBytes = 1_000_000) {
    this.#write = write;
    this.maxRecordBytes = maxRecordBytes;
  }

  hasRoom(): boolean {
    return true;
  }

  isHealthy(): boolean {
    return true;
  }

  async write(records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    let text = "";
    for (const r of records) text += `${utf8.decode(r.data)}\n`;
    await this.#write(text);
    this.recordsWritten += records.length;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
