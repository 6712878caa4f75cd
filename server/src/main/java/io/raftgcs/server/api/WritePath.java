package io.raftgcs.server.api;

import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.RequestId;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.Proposer;
import io.raftgcs.server.raft.RaftNode;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The prepare step of every mutation: refuse early on a follower (with the leader hint), stamp the
 * leader's time, the caller's request id and this leader's retention bounds (dead nodes, dead actors) into
 * the command header, hand it to the {@link Proposer}, and turn a non-OK applied result into its status.
 * Any thread; stateless.
 */
public final class WritePath {
  private final RaftNode raft;
  private final Proposer proposer;
  private final Clock clock;
  private final int maxDeadNodes;
  private final int maxDeadActors;

  public WritePath(RaftNode raft, Proposer proposer, Clock clock, int maxDeadNodes, int maxDeadActors) {
    this.raft = raft;
    this.proposer = proposer;
    this.clock = clock;
    this.maxDeadNodes = maxDeadNodes;
    this.maxDeadActors = maxDeadActors;
  }

  public Clock clock() {
    return clock;
  }

  /** Proposes {@code command} (body set, header not) and completes with the OK result and its revision. */
  public CompletableFuture<Proposer.Proposed> submit(RequestId requestId, Command.Builder command) {
    return submit(requestId, command, false);
  }

  /**
   * As {@link #submit(RequestId, Command.Builder)}, from an API handler: the calling thread (gRPC's, never
   * a Ratis thread) may hand the entry to Ratis itself (see {@link Proposer#propose(Command, boolean)}).
   */
  public CompletableFuture<Proposer.Proposed> submitFromApi(RequestId requestId, Command.Builder command) {
    return submit(requestId, command, true);
  }

  private CompletableFuture<Proposer.Proposed> submit(RequestId requestId, Command.Builder command,
      boolean callerMaySubmit) {
    if (!raft.info().isLeader()) {
      return CompletableFuture.failedFuture(new NotLeaderException(raft.leaderId().orElse(""), "not the leader"));
    }
    CommandHeader.Builder header = CommandHeader.newBuilder().setLeaderTimeMs(clock.millis())
        .setMaxDeadNodes(maxDeadNodes).setMaxDeadActors(maxDeadActors);
    if (requestId != null) {
      header.setRequestId(requestId);
    }
    return proposer.propose(command.setHeader(header).build(), callerMaySubmit).thenApply(p -> {
      if (!Errors.ok(p.result())) {
        throw Errors.fromResult(p.result());
      }
      return p;
    });
  }
}
