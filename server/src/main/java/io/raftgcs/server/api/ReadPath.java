package io.raftgcs.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.server.raft.RaftNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves queries: linearizable through Ratis ReadIndex (on any replica; a follower asks the leader for
 * the index), or stale from this replica's applied state, optionally after it reaches a minimum revision.
 * Any thread; stateless.
 */
public final class ReadPath {
  private static final long STALE_WAIT_MS = 5_000;
  private final RaftNode raft;

  public ReadPath(RaftNode raft) {
    this.raft = raft;
  }

  public CompletableFuture<QueryResult> query(ReadOptions options, Query q) {
    if (options.getStale()) {
      return raft.stateMachine().awaitApplied(options.getMinRevision())
          .orTimeout(STALE_WAIT_MS, TimeUnit.MILLISECONDS)
          .thenApply(ignored -> raft.stateMachine().queryLocal(q));
    }
    return raft.read(q.toByteArray()).thenApply(msg -> {
      try {
        return QueryResult.parseFrom(msg.getContent().asReadOnlyByteBuffer());
      } catch (InvalidProtocolBufferException e) {
        throw new CompletionException(e);
      }
    });
  }
}
