// What a sharer offers: each chosen session with the files it travels as.
import { sessionFiles } from "../catalog/catalog.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import type { OfferedSession } from "./send.ts";

export async function offerSessions(entries: CatalogEntry[], env: Record<string, string | undefined> = process.env): Promise<OfferedSession[]> {
  return Promise.all(entries.map(async (entry) => ({ entry, files: await sessionFiles(entry, env) })));
}
