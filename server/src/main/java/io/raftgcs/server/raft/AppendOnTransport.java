package io.raftgcs.server.raft;

import io.raftgcs.server.Threads;
import java.util.EnumSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;

/**
 * Which thread runs each call of a replica's Ratis gRPC server. A follower handles the leader's
 * AppendEntries stream on the transport thread that decoded it; every other Ratis call (votes, snapshot
 * chunks, read indexes, admin and client calls) on a cached pool, as gRPC's default executor would.
 *
 * <p>Why: by default gRPC moves each AppendEntries from the transport thread to its executor, one more
 * thread hand-off per AppendEntries on each follower, on the path of every write. With
 * {@code append-entries.compose} off ({@link RaftProperties4Gcs}) the handler only checks the request,
 * puts the entries in the log's cache and queues their write for the log worker; its reply is sent from
 * Ratis's server executor once the write is synced. It blocks only when the log worker's queue is full (or
 * on a term change, to persist the vote), and then it holds up nothing but the Ratis traffic of that
 * transport thread, which is the same stream that the default executor would have serialised anyway.
 *
 * <p>The base executor must be direct: gRPC looks a method up on the server's executor before it asks the
 * supplier, so a pooled base would cost the hand-off this class removes. Created by Ratis through {@link
 * CommitNotifyingGrpc}, once per replica; the pool's threads are daemons and end when idle, so nothing
 * needs closing.
 */
final class AppendOnTransport implements GrpcServices.Customizer {
  private static final String APPEND_ENTRIES = RaftServerProtocolServiceGrpc.getAppendEntriesMethod()
      .getFullMethodName();

  private final ExecutorService others = Executors.newCachedThreadPool(Threads.numberedDaemons("ratis-rpc"));

  @Override
  public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
    return builder.directExecutor().callExecutor(this::executorFor);
  }

  private <ReqT, RespT> Executor executorFor(ServerCall<ReqT, RespT> call, Metadata headers) {
    return executorFor(call.getMethodDescriptor().getFullMethodName());
  }

  /** null = the server's own executor, which is direct. */
  Executor executorFor(String fullMethodName) {
    return APPEND_ENTRIES.equals(fullMethodName) ? null : others;
  }
}
