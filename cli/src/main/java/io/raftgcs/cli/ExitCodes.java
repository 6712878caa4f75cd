package io.raftgcs.cli;

import io.raftgcs.client.GcsException;

/** gcsctl's exit codes. Stable: scripts depend on them. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int UNAVAILABLE = 4;
  public static final int INVALID_ARGUMENT = 5;
  public static final int FAILED_PRECONDITION = 6;
  /** A watch's start revision (or resume point) is no longer in the cluster's event history. */
  public static final int COMPACTED = 7;

  /** Help footer listing the codes. */
  static final String FOOTER = """

      Exit codes:
        0  ok
        1  error (internal)
        2  usage error
        3  not found
        4  unavailable: no leader, no quorum, unreachable, or deadline exceeded
        5  invalid argument or limit exceeded
        6  failed precondition (or already exists)
        7  watch: the revision to start from was compacted out of the event history
           (re-list and watch from the list's revision + 1)

      Environment:
        GCSCTL_ENDPOINTS  default for --endpoints""";

  private ExitCodes() {}

  public static int of(GcsException.Code code) {
    return switch (code) {
      case NOT_FOUND -> NOT_FOUND;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
      case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, OUT_OF_RANGE -> INVALID_ARGUMENT;
      case FAILED_PRECONDITION, ALREADY_EXISTS -> FAILED_PRECONDITION;
      case INTERNAL, CANCELLED, UNKNOWN -> ERROR;
    };
  }
}
