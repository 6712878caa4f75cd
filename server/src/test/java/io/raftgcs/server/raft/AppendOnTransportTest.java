package io.raftgcs.server.raft;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.junit.jupiter.api.Test;

/**
 * Only the AppendEntries stream stays on the transport thread (a null executor = the server's direct one);
 * every other Ratis server call goes to the pool. Guards the method name the choice depends on.
 */
class AppendOnTransportTest {
  @Test
  void appendEntriesRunsOnTheTransportThreadAndEverythingElseOnThePool() {
    AppendOnTransport c = new AppendOnTransport();
    assertNull(c.executorFor(RaftServerProtocolServiceGrpc.getAppendEntriesMethod().getFullMethodName()));
    assertNotNull(c.executorFor(RaftServerProtocolServiceGrpc.getRequestVoteMethod().getFullMethodName()));
    assertNotNull(c.executorFor(RaftServerProtocolServiceGrpc.getInstallSnapshotMethod().getFullMethodName()));
    assertNotNull(c.executorFor(RaftServerProtocolServiceGrpc.getReadIndexMethod().getFullMethodName()));
    assertNotNull(c.executorFor(RaftServerProtocolServiceGrpc.getStartLeaderElectionMethod().getFullMethodName()));
  }
}
