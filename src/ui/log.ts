// The one logger. Everything human goes to stderr so that stdout carries only a
// command's result (a table, a transcript, or --json lines) and pipes stay clean.
import { createConsola } from "consola";

export const log = createConsola({
  stdout: process.stderr,
  stderr: process.stderr,
  level: process.env.CCSHARE_QUIET ? 1 : 3,
  formatOptions: { date: false },
}).withTag("ccshare");
