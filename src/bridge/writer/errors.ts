/**
 * Typed errors of the writer. The CLI maps them to exit codes (Usage → 2,
 * Interrupted → 130, the rest → 1) and prints their one-line message.
 */

export type WriterErrorTag =
  /** A flag or option that makes no sense (exit 2). */
  | 'Usage'
  /** OUTPUT exists and neither --overwrite nor --resume was given. */
  | 'OutputExists'
  /** The input cannot be read or is not something the writer can write. */
  | 'Input'
  /** Writing failed: disk full, permission denied, a path that would leave OUTPUT. */
  | 'Output'
  /** --resume or a part found a conversion made with other options. */
  | 'PlanMismatch'
  /** --finalize before every part is done. */
  | 'PartsPending'
  /** Cancelled (Ctrl-C, Cancel in the viewer); --resume continues. */
  | 'Interrupted';

export class WriterError extends Error {
  readonly tag: WriterErrorTag;

  constructor(tag: WriterErrorTag, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = `WriterError(${tag})`;
    this.tag = tag;
  }
}

export const isWriterError = (e: unknown, tag?: WriterErrorTag): e is WriterError =>
  e instanceof WriterError && (tag === undefined || e.tag === tag);

/** A Node file-system error as a one-line reason a user can act on. */
export function describeIoError(e: unknown, what: string): WriterError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'EDQUOT'
            ? 'disk quota exceeded'
            : (e as Error).message;
  return new WriterError('Output', `cannot write ${what}: ${reason}`, { cause: e });
}
