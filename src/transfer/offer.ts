// What a sharer offers: each chosen session with the files it travels as.
import { filesOfSessions } from "../catalog/catalog.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import type { OfferedSession } from "./send.ts";

export async function offerSessions(entries: CatalogEntry[], env: Record<string, string | undefined> = process.env): Promise<OfferedSession[]> {
  const files = await filesOfSessions(entries, env);
  return entries.map((entry, i) => ({ entry, files: files[i]! }));
}
