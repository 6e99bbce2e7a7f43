// Every failure a user can meet has its own class, and its message is the one
// sentence the user reads: what happened and what to do (STYLE.md rule 6, after
// magic-wormhole's errors.py). The CLI prints `message` and exits with
// `exitCode`; --verbose adds the stack.

export interface CcshareErrorOptions {
  cause?: unknown;
  /**
   * A receive or import stops here, before anything is placed (installs are
   * all or nothing, DESIGN.md §5): the message says so, in the words of the
   * one sentence below, so that no throw site has to.
   */
  refused?: boolean;
}

export class CcshareError extends Error {
  readonly exitCode: number = 1;
  /**
   * What went wrong, as `--json` reports it: stable, kebab-case, one per class
   * (class names do not survive minification, and are not a contract).
   */
  readonly code: string = "failed";
  constructor(message: string, options?: CcshareErrorOptions) {
    super(options?.refused ? `${message}; nothing was installed.` : message, { cause: options?.cause });
    this.name = new.target.name;
  }
}

/** Failures that only ever stop a receive or an import: each one's message ends by saying nothing was installed. */
class Refusal extends CcshareError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, refused: true });
  }
}

/** Bad arguments: exit code 2. */
export class UsageError extends CcshareError {
  override readonly code: string = "usage";
  override readonly exitCode = 2;
}

/** A code word that is not in the word list but nearly is: mistyped, caught before any attempt is spent. */
export class UnknownWordError extends UsageError {
  override readonly code = "unknown-word";
}

export class SessionNotFoundError extends CcshareError {
  override readonly code = "session-not-found";
}
export class AmbiguousSessionError extends CcshareError {
  override readonly code = "ambiguous-session";
}
export class NothingSelectedError extends CcshareError {
  override readonly code = "nothing-selected";
}

/**
 * The person at the terminal cancelled a picker or a prompt (Esc, Ctrl-C).
 * Exit code 130, as a shell reports a command stopped by Ctrl-C. The message
 * says, in the command's words, that nothing happened.
 */
export class CancelledError extends CcshareError {
  override readonly code = "cancelled";
  override readonly exitCode = 130;
}

/** `--into` (or the current directory) is not a folder that exists. */
export class FolderNotFoundError extends CcshareError {
  override readonly code = "no-such-folder";
}

/** The other side proved a different passphrase (CPace confirmation failed). */
export class WrongPassphraseError extends CcshareError {
  override readonly code = "wrong-passphrase";
  constructor(message = "Wrong passphrase (or someone tampered with the connection): check the code and try again.") {
    super(message);
  }
}

/** A peer broke the protocol: wrong order, wrong role, malformed message. */
export class ProtocolError extends CcshareError {
  override readonly code = "protocol";
}

/** A sealed record failed to open: the stream was altered in transit. */
export class TamperedStreamError extends Refusal {
  override readonly code = "tampered";
  constructor(message = "The transfer was altered in transit (a record failed authentication)") {
    super(message);
  }
}

/** The stream ended before its final record. */
export class TruncatedStreamError extends Refusal {
  override readonly code = "truncated";
  constructor(message = "The transfer ended before it was complete (ask the sharer to try again)") {
    super(message);
  }
}

/** A path from a peer or a bundle would escape the staging dir or is malformed. */
export class UnsafePathError extends Refusal {
  override readonly code = "unsafe-path";
}

/** A declared or actual size, count or depth is over a cap. */
export class LimitExceededError extends CcshareError {
  override readonly code = "limit-exceeded";
}

/** A file's digest does not match what the sender declared. */
export class DigestMismatchError extends Refusal {
  override readonly code = "digest-mismatch";
}

/** The other side went away mid-conversation. */
export class PeerGoneError extends CcshareError {
  override readonly code = "peer-gone";
}

/** No sharer answered for this room (relay: no such room; LAN: not found). */
export class RoomNotFoundError extends CcshareError {
  override readonly code = "room-not-found";
}
export class RoomTakenError extends CcshareError {
  override readonly code = "room-taken";
}

/** The sharer stopped after too many failed passphrase attempts. */
export class TooManyAttemptsError extends CcshareError {
  override readonly code = "too-many-attempts";
}

/** Waited too long for something the peer should have sent. */
export class TimeoutError extends CcshareError {
  override readonly code = "timeout";
}

export class RelayError extends CcshareError {
  override readonly code = "relay";
}

/** A bundle file is not one, is from the future, or has hostile parameters. */
export class BundleFormatError extends CcshareError {
  override readonly code = "bad-bundle";
}

/** Writing failed because the disk is full or not writable. */
export class DiskError extends CcshareError {
  override readonly code = "disk";
}

/** Wrap a file-system error from node:fs in the class a user can act on. */
export function fromFsError(error: unknown, what: string): CcshareError {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOSPC") return new DiskError(`The disk is full while ${what}; free some space and try again.`, { cause: error });
  if (code === "EACCES" || code === "EPERM") return new DiskError(`Permission denied while ${what}.`, { cause: error });
  if (code === "EROFS") return new DiskError(`The file system is read-only while ${what}.`, { cause: error });
  if (error instanceof CcshareError) return error;
  return new CcshareError(`Failed while ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** A session file shrank while it was being sent (rewritten in place). */
export class SessionChangedError extends CcshareError {
  override readonly code = "session-changed";
}

/** mDNS on the LAN could not run (no socket, no interface); the relay still can. */
export class LanError extends CcshareError {
  override readonly code = "lan";
}

/** The viewer could not listen (the port is taken, or not ours to use). */
export class ViewerError extends CcshareError {
  override readonly code = "viewer";
}

/** --verify: the person said the short authentication words differ (PROTOCOL.md §3). */
export class VerificationFailedError extends CcshareError {
  override readonly code = "verification-failed";
  constructor(message = "The verification words did not match, so someone may be in the middle; stopped without sending or installing anything.") {
    super(message);
  }
}
