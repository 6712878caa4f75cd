package io.raftgcs.server.raft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers apply a committed entry without waiting for a later entry or a heartbeat
 * ({@link CommitNotifyingGrpc}). The election timeout is 4–8 s here, so the leader's heartbeats come every
 * 2 s: a follower that learned of commits only from them would apply a lone write about 2 s late, and with
 * Ratis's own appender it did: without {@code CommitNotifyingGrpc}, this test fails.
 */
class FollowerCommitTest {
  @TempDir Path dir;

  @Test
  void followersApplyALoneWriteWithoutWaitingForTheNextHeartbeat() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir,
        cfg -> cfg.withElectionTimeout(Duration.ofSeconds(4), Duration.ofSeconds(8)))) {
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      try (Stubs stubs = new Stubs()) {
        var kv = stubs.kv(c.endpoint(leader));
        for (int i = 0; i < 5; i++) {
          kv.internalKVPut(InternalKVPutRequest.newBuilder().setNamespace("ns").setKey(ByteString.copyFromUtf8("k" + i))
              .setValue(ByteString.copyFromUtf8("v")).setOverwrite(true).setRequestId(stubs.rid()).build());
          long committed = c.status(leader).getCommitIndex();
          long start = System.nanoTime();
          for (int f = 0; f < 3; f++) {
            while (f != leader && c.status(f).getAppliedIndex() < committed) {
              assertTrue(System.nanoTime() - start < Duration.ofMillis(1000).toNanos(),
                  "follower " + f + " did not apply index " + committed + " within 1 s (heartbeats every 2 s)");
              Thread.sleep(5);
            }
          }
          Thread.sleep(200); // each write alone: no later entry brings its commit index along
        }
      }
    }
  }
}
