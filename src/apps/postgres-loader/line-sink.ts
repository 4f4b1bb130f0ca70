/**
 * @module
 * A `RecordSink` that writes each record's text as one line, for the loader's bad rows in file mode
 * (to a file or standard error). A write is acknowledged once the output function has taken the
 * text, or once the promise it returns settles.
 */
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";

const decoder = new TextDecoder();

export class LineSink implements RecordSink {
  readonly maxRecordBytes = Number.MAX_SAFE_INTEGER;
  readonly #write: (text: string) => unknown;

  constructor(write: (text: string) => unknown) {
    this.#write = write;
  }

  hasRoom(): boolean {
    return true;
  }

  isHealthy(): boolean {
    return true;
  }

  async write(records: readonly OutboundRecord[]): Promise<void> {
    let text = "";
    for (const record of records) text += `${decoder.decode(record.data)}\n`;
    if (text !== "") await this.#write(text);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
