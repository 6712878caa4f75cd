package io.raftgcs.server.raft;

/** Ratis could not complete the request (no quorum, back-pressure, shutting down); the outcome may be unknown. */
public final class RaftUnavailableException extends RuntimeException {
  public RaftUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
