package io.raftgcs.client;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.GetStatusRequest;
import io.raftgcs.proto.InternalKVDelReply;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVExistsReply;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.InternalKVGetReply;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVKeysReply;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVMultiGetReply;
import io.raftgcs.proto.InternalKVMultiGetRequest;
import io.raftgcs.proto.InternalKVPutReply;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.MemberStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted stand-in for one replica, for unit tests of the client's routing and retry logic only:
 * {@link #handler} decides each answer (a reply, a {@link StatusRuntimeException}, or null to never
 * answer). Real end-to-end tests run against real servers in the server module.
 */
final class FakeReplica implements AutoCloseable {
  final Server server;
  final String address;
  final List<Object> requests = Collections.synchronizedList(new ArrayList<>());
  volatile Function<Object, Object> handler = req -> Status.UNIMPLEMENTED.asRuntimeException();

  FakeReplica() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Kv())
        .addService(new Admin())
        .build()
        .start();
    address = "127.0.0.1:" + server.getPort();
  }

  FakeReplica answering(Function<Object, Object> h) {
    handler = h;
    return this;
  }

  static StatusRuntimeException notLeader(String leaderApi) {
    Metadata trailers = new Metadata();
    if (leaderApi != null) {
      trailers.put(CallExecutor.LEADER_API, leaderApi);
      trailers.put(CallExecutor.LEADER_ID, "n-leader");
    }
    return Status.UNAVAILABLE.withDescription("not leader").asRuntimeException(trailers);
  }

  /** An address nothing listens on: connections are refused. */
  static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  List<Object> requestsOf(Class<?> type) {
    synchronized (requests) {
      return requests.stream().filter(type::isInstance).toList();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private <R> void handle(Object req, StreamObserver<R> obs) {
    requests.add(req);
    Object r = handler.apply(req);
    if (r instanceof StatusRuntimeException e) {
      obs.onError(e);
    } else if (r != null) {
      obs.onNext((R) r);
      obs.onCompleted();
    }
  }

  private final class Kv extends InternalKVGcsServiceGrpc.InternalKVGcsServiceImplBase {
    @Override
    public void internalKVGet(InternalKVGetRequest r, StreamObserver<InternalKVGetReply> o) {
      handle(r, o);
    }

    @Override
    public void internalKVMultiGet(InternalKVMultiGetRequest r,
        StreamObserver<InternalKVMultiGetReply> o) {
      handle(r, o);
    }

    @Override
    public void internalKVPut(InternalKVPutRequest r, StreamObserver<InternalKVPutReply> o) {
      handle(r, o);
    }

    @Override
    public void internalKVDel(InternalKVDelRequest r, StreamObserver<InternalKVDelReply> o) {
      handle(r, o);
    }

    @Override
    public void internalKVExists(InternalKVExistsRequest r,
        StreamObserver<InternalKVExistsReply> o) {
      handle(r, o);
    }

    @Override
    public void internalKVKeys(InternalKVKeysRequest r, StreamObserver<InternalKVKeysReply> o) {
      handle(r, o);
    }
  }

  private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
    @Override
    public void getStatus(GetStatusRequest r, StreamObserver<MemberStatus> o) {
      handle(r, o);
    }
  }
}
