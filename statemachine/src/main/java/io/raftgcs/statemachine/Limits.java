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
  /**
   * Most request-id outcomes remembered at once; past it the oldest (by leader time) are dropped first.
   * Each costs 104 bytes of heap on every replica (the expiry index: measured with a class histogram), so
   * without a bound a sustained 7,000 writes/s would hold 4 million of them (over 400 MB) within the TTL.
   * At that rate 250,000 (26 MB) still cover the last 35 s, longer than a client retries one request (its
   * deadline, 10 s by default); below 420 writes/s the TTL is the tighter bound.
   */
  public static final int MAX_SESSION_RECORDS = 250_000;
  public static final int CLIENT_ID_BYTES = 16;
  /**
   * KV rows whose create revision each replica keeps in memory, least recently used first out, so that a
   * put of a known row skips reading the old row from RocksDB ({@code KvCreateRevisions}). About 130 bytes
   * of heap per row with a short key (class histogram), so about 17 MB when full; a miss costs only that read.
   */
  public static final int KV_CREATE_REVISION_CACHE_ROWS = 131_072;
}
