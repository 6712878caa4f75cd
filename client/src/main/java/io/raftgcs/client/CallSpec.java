package io.raftgcs.client;

import java.time.Duration;

/**
 * How one RPC is routed and retried.
 *
 * @param method name used in error messages
 * @param route which replica may answer
 * @param endpoint preferred endpoint (ANY) or the only endpoint (FIXED); null otherwise
 * @param mutating whether the call changes replicated state (drives {@link
 *     GcsException#isOutcomeUnknown()})
 * @param attemptTimeout per-attempt timeout override; null for the client default
 * @param maxAttempts upper bound on attempts; the overall deadline usually ends the loop first
 */
record CallSpec(
    String method,
    Route route,
    String endpoint,
    boolean mutating,
    Duration attemptTimeout,
    int maxAttempts) {

  enum Route {
    /** Leader only: follow not-leader hints, rotate through replicas otherwise. */
    LEADER,
    /** Any replica; starts at {@code endpoint} if given, rotates on failure, ignores hints. */
    ANY,
    /** Exactly {@code endpoint}. */
    FIXED
  }

  static CallSpec write(String method) {
    return new CallSpec(method, Route.LEADER, null, true, null, Integer.MAX_VALUE);
  }

  static CallSpec read(String method, ReadConsistency consistency, String preferred) {
    return consistency == ReadConsistency.STALE
        ? new CallSpec(method, Route.ANY, preferred, false, null, Integer.MAX_VALUE)
        : new CallSpec(method, Route.LEADER, null, false, null, Integer.MAX_VALUE);
  }

  /** One attempt at exactly this endpoint: for probes that must not wait out the deadline. */
  static CallSpec probe(String method, String endpoint) {
    return new CallSpec(method, Route.FIXED, endpoint, false, null, 1);
  }

  CallSpec withAttemptTimeout(Duration timeout) {
    return new CallSpec(method, route, endpoint, mutating, timeout, maxAttempts);
  }

  CallSpec withMaxAttempts(int attempts) {
    return new CallSpec(method, route, endpoint, mutating, attemptTimeout, attempts);
  }
}
