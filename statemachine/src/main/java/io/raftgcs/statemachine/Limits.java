package io.raftgcs.statemachine;

import java.util.regex.Pattern;

/**
 * Documented input limits, shared by the server's validators and the state machine's defensive checks.
 * Changing one changes the documented contract (see README "Limits").
 */
public final class Limits {
  private Limits() {}

  public static final int MAX_KEY_BYTES = 8 * 1024;
  public static final int MAX_VALUE_BYTES = 1024 * 1024;
  public static final int MAX_NAMESPACE_CHARS = 128;
  public static final Pattern NAMESPACE_PATTERN = Pattern.compile("[A-Za-z0-9_.:\\-]*");
  public static final int MAX_MULTI_GET_KEYS = 1000;
  /** Largest gRPC request a replica accepts. */
  public static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;
  /** Largest log entry the proposer builds when coalescing commands. */
  public static final int MAX_ENTRY_BYTES = 3 * 1024 * 1024;
  /** How long a request id's outcome is remembered for retries (leader time). */
  public static final long SESSION_TTL_MS = 10 * 60 * 1000L;
  public static final int CLIENT_ID_BYTES = 16;
}
