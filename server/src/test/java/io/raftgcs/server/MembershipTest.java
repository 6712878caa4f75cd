package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.AddMemberRequest;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.Member;
import io.raftgcs.proto.RemoveMemberRequest;
import io.raftgcs.server.config.PeerSpec;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership 3 → 5 → 3 with data written throughout, removing the leader on the way down. */
class MembershipTest {
  @TempDir Path dir;

  private static AdminServiceGrpc.AdminServiceBlockingStub admin(List<ManagedChannel> chans, String ep) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(ep).usePlaintext().build();
    chans.add(ch);
    return AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static void put(MiniGcsCluster c, Stubs s, String k) {
    s.kv(c.endpoint(c.leader())).internalKVPut(InternalKVPutRequest.newBuilder().setNamespace("m")
        .setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8(k)).setOverwrite(true)
        .setRequestId(s.rid()).build());
  }

  @Test
  void growsToFiveAndShrinksBackRemovingTheLeader() throws Exception {
    List<ManagedChannel> chans = new ArrayList<>();
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir, cfg -> cfg.withSnapshotThreshold(50, 10, 1 << 16));
        Stubs s = new Stubs()) {
      for (int i = 0; i < 120; i++) {
        put(c, s, "before" + i);
      }
      for (int n = 0; n < 2; n++) {
        int j = c.startJoiner();
        PeerSpec p = c.peers().get(j);
        var reply = admin(chans, c.endpoint(c.leader())).addMember(AddMemberRequest.newBuilder().setMember(
            Member.newBuilder().setId(p.id()).setRaftAddress(p.raftAddress()).setApiAddress(p.apiAddress())).build());
        assertEquals(4 + n, reply.getMembersCount());
        put(c, s, "grown" + n);
      }
      c.awaitConverged(Duration.ofSeconds(30));
      assertEquals(5, c.status(c.leader()).getMembersCount());

      int leader = c.leader();
      String leaderId = c.peers().get(leader).id();
      admin(chans, c.endpoint(leader)).removeMember(RemoveMemberRequest.newBuilder().setId(leaderId).build());
      c.kill(leader);
      int next = c.leader();
      assertTrue(next != leader);
      String another = c.peers().get((next + 1) % c.size() == leader ? (next + 2) % c.size() : (next + 1) % c.size()).id();
      int anotherIdx = c.peers().stream().map(PeerSpec::id).toList().indexOf(another);
      admin(chans, c.endpoint(next)).removeMember(RemoveMemberRequest.newBuilder().setId(another).build());
      c.kill(anotherIdx);
      put(c, s, "shrunk");
      c.awaitConverged(Duration.ofSeconds(30));
      assertEquals(3, c.status(c.leader()).getMembersCount());
      for (String k : List.of("before0", "before119", "grown0", "grown1", "shrunk")) {
        assertTrue(s.kv(c.endpoint(c.leader())).internalKVGet(InternalKVGetRequest.newBuilder().setNamespace("m")
            .setKey(ByteString.copyFromUtf8(k)).build()).getFound(), k);
      }
    } finally {
      chans.forEach(ManagedChannel::shutdownNow);
    }
  }
}
