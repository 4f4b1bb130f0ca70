/**
 * @module
 * Webhooks called when a schema is published (`Webhook.scala`, config
 * `webhooks.schemaPublished`): each hook whose `vendorPrefixes` is absent, or holds a plain string
 * prefix of the vendor, receives `{"schemaKey":"iglu:…","updated":bool}`, after a create and
 * after a patch.
 *
 * Differences from the reference:
 * - A GET hook receives no body: `fetch` cannot send one with GET. Use `usePost` to get the event.
 * - A hook that fails or is slow (over 5 s) does not fail the publish; the failure is logged.
 *   The reference answers 500 when a hook cannot be reached, although the schema was stored.
 */
import { formatSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";

export interface SchemaPublishedWebhook {
  readonly uri: string;
  readonly vendorPrefixes?: readonly string[] | null;
  readonly usePost?: boolean;
}

const TIMEOUT_MS = 5000;

/** True when the hook wants events for `vendor`. */
export function webhookMatches(hook: SchemaPublishedWebhook, vendor: string): boolean {
  return !hook.vendorPrefixes || hook.vendorPrefixes.some((p) => vendor.startsWith(p));
}

/**
 * Calls every matching hook concurrently and waits for them (as the reference does), logging
 * each failure instead of throwing.
 */
export async function notifySchemaPublished(
  hooks: readonly SchemaPublishedWebhook[],
  key: SchemaKey,
  updated: boolean,
  send: typeof fetch,
  log: (line: string) => void,
): Promise<void> {
  const event = JSON.stringify({ schemaKey: formatSchemaKey(key), updated });
  await Promise.all(
    hooks
      .filter((h) => webhookMatches(h, key.vendor))
      .map(async (hook) => {
        try {
          const response = await send(
            hook.uri,
            hook.usePost
              ? {
                  method: "POST",
                  body: event,
                  headers: { "content-type": "application/json" },
                  signal: AbortSignal.timeout(TIMEOUT_MS),
                }
              : { method: "GET", signal: AbortSignal.timeout(TIMEOUT_MS) },
          );
          await response.body?.cancel();
          if (response.status < 200 || response.status > 299) {
            log(`webhook ${hook.uri} answered ${response.status} for ${formatSchemaKey(key)}`);
          }
        } catch (e) {
          log(`webhook ${hook.uri} failed for ${formatSchemaKey(key)}: ${(e as Error).message}`);
        }
      }),
  );
}
