package io.raftgcs.server.raft;

/** This replica cannot serve the request; {@code leaderId} (possibly empty) is who can. */
public final class NotLeaderException extends RuntimeException {
  private final String leaderId;

  public NotLeaderException(String leaderId, String message) {
    super(message, null, false, false);
    this.leaderId = leaderId == null ? "" : leaderId;
  }

  public String leaderId() {
    return leaderId;
  }
}
