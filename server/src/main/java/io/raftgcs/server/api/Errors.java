package io.raftgcs.server.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.RaftUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.RaftException;

/**
 * The one place that turns failures into gRPC statuses. Not-leader answers carry the leader's API address
 * in the {@code gcs-leader-api} trailer (and its id in {@code gcs-leader-id}) so clients can follow it.
 */
public final class Errors {
  public static final Metadata.Key<String> LEADER_API = Metadata.Key.of("gcs-leader-api", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> LEADER_ID = Metadata.Key.of("gcs-leader-id", Metadata.ASCII_STRING_MARSHALLER);

  private final LeaderDirectory directory;

  public Errors(LeaderDirectory directory) {
    this.directory = directory;
  }

  public static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  /** A non-OK applied result as the status it stands for. */
  public static StatusRuntimeException fromResult(CommandResult r) {
    Status s = switch (r.getCode()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      default -> Status.INTERNAL;
    };
    return s.withDescription(r.getMessage()).asRuntimeException();
  }

  public static boolean ok(CommandResult r) {
    return r.getCode() == ResultCode.OK;
  }

  public StatusRuntimeException notLeader(String leaderId, String message) {
    Metadata trailers = new Metadata();
    if (leaderId != null && !leaderId.isEmpty()) {
      trailers.put(LEADER_ID, leaderId);
      directory.apiAddress(leaderId).ifPresent(a -> trailers.put(LEADER_API, a));
    }
    String text = leaderId == null || leaderId.isEmpty() ? message + "; no leader known yet"
        : message + "; leader is " + leaderId;
    return Status.UNAVAILABLE.withDescription(text).asRuntimeException(trailers);
  }

  public StatusRuntimeException toStatus(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (e instanceof NotLeaderException nle) {
      return notLeader(nle.leaderId(), nle.getMessage());
    }
    if (e instanceof RaftUnavailableException || e instanceof RaftException || e instanceof TimeoutException) {
      return Status.UNAVAILABLE.withDescription("replication unavailable: " + e.getMessage()).withCause(e)
          .asRuntimeException();
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    return Status.INTERNAL.withDescription(String.valueOf(e)).withCause(e).asRuntimeException();
  }
}
