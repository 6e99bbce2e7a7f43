// --verify (PROTOCOL.md §3): the short authentication string as words, shown
// on both screens, as magic-wormhole's --verify does. Both people compare
// them; at a terminal each side waits for a yes before anything is sent or
// installed. With --yes or --json the words are shown and nothing waits.
import { VerificationFailedError } from "../errors.ts";
import { log } from "./log.ts";
import { canPrompt } from "./prompt.ts";
import { printJson } from "./json_lines.ts";

export interface VerifyOptions {
  json: boolean;
  yes?: boolean;
}

/** A check for each handshake's words; asked one at a time (several receivers may arrive together). */
export function verifier(o: VerifyOptions): (sas: string, who?: { peer: number }) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (sas, who) => {
    const turn = queue.then(async () => {
      if (o.json) printJson({ event: "verify", ...(who ?? {}), sas });
      else log.info(`${who ? `Receiver #${who.peer}: v` : "V"}erification words: ${sas}  (the other screen must show the same)`);
      if (o.json || !canPrompt(o.yes)) return;
      const same = await log.prompt("Does the other screen show exactly these words?", { type: "confirm", initial: false, cancel: "reject" });
      if (same !== true) throw new VerificationFailedError();
    });
    queue = turn.catch(() => undefined);
    return turn;
  };
}
