package io.raftgcs.client;

/**
 * A failed GCS call, after the client gave up retrying (or saw an error that is never retried).
 *
 * <p>{@link #isOutcomeUnknown()} is true only for writes whose effect may have been applied: some
 * attempt timed out or lost its connection after the request may have reached the leader, and no
 * later attempt returned a definitive answer. Retrying such a write with the same client is safe
 * only through the client itself (it reuses the request id); a new logical write is not deduplicated.
 */
public final class GcsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Outcome classes; mirror the gRPC status codes the server uses. */
  public enum Code {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE,
    DEADLINE_EXCEEDED,
    OUT_OF_RANGE,
    INTERNAL,
    CANCELLED,
    UNKNOWN;

    /** True for answers the server gave after looking at the request; retrying cannot change them. */
    public boolean isDefinitive() {
      return switch (this) {
        case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
            OUT_OF_RANGE -> true;
        default -> false;
      };
    }
  }

  private final Code code;
  private final boolean outcomeUnknown;
  private final long oldestRevision;

  public GcsException(Code code, String message, boolean outcomeUnknown, Throwable cause) {
    this(code, message, outcomeUnknown, cause, 0);
  }

  /**
   * With {@code oldestRevision}: for {@link Code#OUT_OF_RANGE} from a subscription, the oldest
   * revision the cluster still has in its event history (0 when unknown).
   */
  public GcsException(Code code, String message, boolean outcomeUnknown, Throwable cause,
      long oldestRevision) {
    super(message, cause);
    this.code = code;
    this.outcomeUnknown = outcomeUnknown;
    this.oldestRevision = oldestRevision;
  }

  public GcsException(Code code, String message) {
    this(code, message, false, null);
  }

  public Code code() {
    return code;
  }

  /** True when this was a write that may or may not have been applied. */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }

  /**
   * For {@link Code#OUT_OF_RANGE} (a subscription asked for revisions that are compacted): the
   * oldest revision still in history; re-list and subscribe from the list's revision + 1. 0 when
   * unknown or not applicable.
   */
  public long oldestRevision() {
    return oldestRevision;
  }

  /** A copy thrown on the caller's thread, so its stack trace shows the blocking call site. */
  GcsException rethrownHere() {
    return new GcsException(code, getMessage(), outcomeUnknown, this, oldestRevision);
  }
}
