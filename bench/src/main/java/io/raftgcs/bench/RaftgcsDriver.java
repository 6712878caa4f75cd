package io.raftgcs.bench;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.GetStatusRequest;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.InternalKVGcsServiceGrpc.InternalKVGcsServiceStub;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * raftgcs through raw gRPC stubs of our public API, routed the way GcsClient routes them, so
 * connections can be pinned: 16 connections to the leader for writes and linearizable reads
 * (followers refuse writes with a leader hint, and GcsClient sends linearizable reads to the leader,
 * whose lease answers them without a round trip); 16 connections, connection i to member i mod 3, for
 * stale reads and watches. {@link #getLinearizableAnyMember} reads linearizably on the pinned
 * connections instead (a follower asks the leader for a read index): the extra row that shows the
 * cost of a follower's ReadIndex. Every write carries a request id, as GcsClient's do.
 */
public final class RaftgcsDriver implements Driver {
  static final String NS = "bench";
  private final List<String> endpoints;
  private final ManagedChannel[] readChannels = new ManagedChannel[Workloads.CONNECTIONS];
  private final ManagedChannel[] leaderChannels = new ManagedChannel[Workloads.CONNECTIONS];
  private final ManagedChannel[] memberChannels;
  private final InternalKVGcsServiceStub[] readStubs = new InternalKVGcsServiceStub[Workloads.CONNECTIONS];
  private final InternalKVGcsServiceStub[] leaderStubs = new InternalKVGcsServiceStub[Workloads.CONNECTIONS];
  private final ByteString clientId;
  private final AtomicLong seq = new AtomicLong();

  public RaftgcsDriver(List<String> endpoints) {
    this.endpoints = endpoints;
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    this.clientId = ByteString.copyFrom(id);
    memberChannels = new ManagedChannel[endpoints.size()];
    for (int m = 0; m < endpoints.size(); m++) {
      memberChannels[m] = open(endpoints.get(m));
    }
    for (int c = 0; c < Workloads.CONNECTIONS; c++) {
      readChannels[c] = open(endpoints.get(c % endpoints.size()));
      readStubs[c] = InternalKVGcsServiceGrpc.newStub(readChannels[c]);
    }
  }

  /**
   * Replies are handled on the transport thread (gRPC's documented choice when callbacks never block,
   * as the closed loop's do): it saves a thread hand-off per reply in the load generator.
   */
  private static ManagedChannel open(String endpoint) {
    return NettyChannelBuilder.forTarget(endpoint).usePlaintext().directExecutor().build();
  }

  /** (Re)points the leader connections at the current leader. */
  public void connectToLeader() {
    int leader = leaderIndex();
    if (leader < 0) {
      throw new IllegalStateException("no raftgcs leader");
    }
    for (int c = 0; c < Workloads.CONNECTIONS; c++) {
      if (leaderChannels[c] != null) {
        leaderChannels[c].shutdownNow();
      }
      leaderChannels[c] = open(endpoints.get(leader));
      leaderStubs[c] = InternalKVGcsServiceGrpc.newStub(leaderChannels[c]);
    }
  }

  @Override
  public String name() {
    return "raftgcs";
  }

  private InternalKVPutRequest putRequest(byte[] key, byte[] value) {
    return InternalKVPutRequest.newBuilder().setNamespace(NS).setKey(ByteString.copyFrom(key))
        .setValue(ByteString.copyFrom(value)).setOverwrite(true)
        .setRequestId(RequestId.newBuilder().setClientId(clientId).setSeq(seq.incrementAndGet()))
        .build();
  }

  @Override
  public CompletableFuture<?> put(int conn, byte[] key, byte[] value) {
    InternalKVPutRequest req = putRequest(key, value);
    return Grpc.<io.raftgcs.proto.InternalKVPutReply>unary(o -> leaderStubs[conn].withDeadlineAfter(10, TimeUnit.SECONDS).internalKVPut(req, o));
  }

  @Override
  public CompletableFuture<?> get(int conn, byte[] key, boolean linearizable) {
    return get(linearizable ? leaderStubs[conn] : readStubs[conn], key, linearizable);
  }

  @Override
  public boolean linearizableReadsGoToLeader() {
    return true;
  }

  @Override
  public CompletableFuture<?> getLinearizableAnyMember(int conn, byte[] key) {
    return get(readStubs[conn], key, true);
  }

  private static CompletableFuture<?> get(InternalKVGcsServiceStub stub, byte[] key, boolean linearizable) {
    InternalKVGetRequest req = InternalKVGetRequest.newBuilder().setNamespace(NS)
        .setKey(ByteString.copyFrom(key)).setRead(ReadOptions.newBuilder().setStale(!linearizable)).build();
    return Grpc.<io.raftgcs.proto.InternalKVGetReply>unary(o -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).internalKVGet(req, o));
  }

  @Override
  public String linearizableGetNote() {
    return "leader lease, as GcsClient";
  }

  @Override
  public AutoCloseable watch(int conn, byte[] key, Consumer<byte[]> onValue) {
    SubscribeRequest req = SubscribeRequest.newBuilder().setChannel(Channel.KV).setNamespace(NS)
        .setKey(ByteString.copyFrom(key)).build();
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> PubsubGcsServiceGrpc.newStub(readChannels[conn]).subscribe(req,
        new StreamObserver<SubscribeResponse>() {
          @Override
          public void onNext(SubscribeResponse r) {
            if (r.hasEvents()) {
              r.getEvents().getEventsList().forEach(e -> onValue.accept(e.getValue().toByteArray()));
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        }));
    return () -> ctx.cancel(null);
  }

  @Override
  public CompletableFuture<?> probePut(int member, byte[] key, byte[] value) {
    InternalKVPutRequest req = putRequest(key, value);
    return Grpc.<io.raftgcs.proto.InternalKVPutReply>unary(o -> InternalKVGcsServiceGrpc.newStub(memberChannels[member])
        .withDeadlineAfter(2, TimeUnit.SECONDS).internalKVPut(req, o));
  }

  private MemberStatus status(int m) {
    try {
      return AdminServiceGrpc.newBlockingStub(memberChannels[m]).withDeadlineAfter(1, TimeUnit.SECONDS)
          .getStatus(GetStatusRequest.getDefaultInstance());
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public int leaderIndex() {
    for (int m = 0; m < memberChannels.length; m++) {
      MemberStatus s = status(m);
      if (s != null && s.getIsLeader()) {
        return m;
      }
    }
    return -1;
  }

  @Override
  public boolean healthy() {
    List<MemberStatus> all = new ArrayList<>();
    for (int m = 0; m < memberChannels.length; m++) {
      MemberStatus s = status(m);
      if (s == null) {
        return false;
      }
      all.add(s);
    }
    long leaderCommit = all.stream().filter(MemberStatus::getIsLeader).mapToLong(MemberStatus::getCommitIndex)
        .max().orElse(-1);
    if (leaderCommit < 0) {
      return false;
    }
    return all.stream().allMatch(s -> s.getAppliedIndex() >= leaderCommit - 10);
  }

  @Override
  public void memberRestarted(int member) {
    for (ManagedChannel ch : memberChannels) {
      if (ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        ch.resetConnectBackoff();
      }
    }
    for (ManagedChannel ch : readChannels) {
      if (ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        ch.resetConnectBackoff();
      }
    }
  }

  @Override
  public void close() {
    for (ManagedChannel[] arr : List.of(readChannels, leaderChannels, memberChannels)) {
      for (ManagedChannel ch : arr) {
        if (ch != null) {
          ch.shutdownNow();
        }
      }
    }
  }
}
