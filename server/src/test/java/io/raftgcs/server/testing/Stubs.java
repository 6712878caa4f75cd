package io.raftgcs.server.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.ActorInfoGcsServiceGrpc;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.JobInfoGcsServiceGrpc;
import io.raftgcs.proto.PlacementGroupInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeInfoGcsServiceGrpc;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.WorkerInfoGcsServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Raw blocking gRPC stubs for wire-level tests, with request ids; close() shuts every channel. */
public final class Stubs implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ByteString clientId;
  private long seq;

  public Stubs() {
    byte[] id = new byte[16];
    new java.util.Random().nextBytes(id);
    this.clientId = ByteString.copyFrom(id);
  }

  public synchronized RequestId rid() {
    return RequestId.newBuilder().setClientId(clientId).setSeq(++seq).build();
  }

  private ManagedChannel channel(String endpoint) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    channels.add(ch);
    return ch;
  }

  public NodeInfoGcsServiceGrpc.NodeInfoGcsServiceBlockingStub nodes(String endpoint) {
    return NodeInfoGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ActorInfoGcsServiceGrpc.ActorInfoGcsServiceBlockingStub actors(String endpoint) {
    return ActorInfoGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public WorkerInfoGcsServiceGrpc.WorkerInfoGcsServiceBlockingStub workers(String endpoint) {
    return WorkerInfoGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public InternalKVGcsServiceGrpc.InternalKVGcsServiceBlockingStub kv(String endpoint) {
    return InternalKVGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public JobInfoGcsServiceGrpc.JobInfoGcsServiceBlockingStub jobs(String endpoint) {
    return JobInfoGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public PlacementGroupInfoGcsServiceGrpc.PlacementGroupInfoGcsServiceBlockingStub pgs(String endpoint) {
    return PlacementGroupInfoGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public io.raftgcs.proto.RuntimeEnvGcsServiceGrpc.RuntimeEnvGcsServiceBlockingStub runtimeEnv(String endpoint) {
    return io.raftgcs.proto.RuntimeEnvGcsServiceGrpc.newBlockingStub(channel(endpoint))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public io.raftgcs.proto.TaskInfoGcsServiceGrpc.TaskInfoGcsServiceBlockingStub tasks(String endpoint) {
    return io.raftgcs.proto.TaskInfoGcsServiceGrpc.newBlockingStub(channel(endpoint))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
