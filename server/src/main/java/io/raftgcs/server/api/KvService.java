package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.Command;
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
import io.raftgcs.proto.Query;

/**
 * Ray's InternalKVGcsService: validate, then propose (writes) or query (reads). gRPC threads; stateless.
 */
public final class KvService extends InternalKVGcsServiceGrpc.InternalKVGcsServiceImplBase {
  private final Calls calls;

  public KvService(Calls calls) {
    this.calls = calls;
  }

  @Override
  public void internalKVPut(InternalKVPutRequest req, StreamObserver<InternalKVPutReply> obs) {
    calls.write(obs, () -> KvValidator.put(req), req.getRequestId(), Command.newBuilder().setKvPut(req),
        (p, h) -> p.result().getKvPut().toBuilder().setHeader(h).build());
  }

  @Override
  public void internalKVDel(InternalKVDelRequest req, StreamObserver<InternalKVDelReply> obs) {
    calls.write(obs, () -> KvValidator.del(req), req.getRequestId(), Command.newBuilder().setKvDel(req),
        (p, h) -> p.result().getKvDel().toBuilder().setHeader(h).build());
  }

  @Override
  public void internalKVGet(InternalKVGetRequest req, StreamObserver<InternalKVGetReply> obs) {
    calls.read(obs, () -> KvValidator.get(req), req.getRead(), Query.newBuilder().setKvGet(req).build(),
        (r, h) -> r.getKvGet().toBuilder().setHeader(h).build());
  }

  @Override
  public void internalKVMultiGet(InternalKVMultiGetRequest req, StreamObserver<InternalKVMultiGetReply> obs) {
    calls.read(obs, () -> KvValidator.multiGet(req), req.getRead(), Query.newBuilder().setKvMultiGet(req).build(),
        (r, h) -> r.getKvMultiGet().toBuilder().setHeader(h).build());
  }

  @Override
  public void internalKVExists(InternalKVExistsRequest req, StreamObserver<InternalKVExistsReply> obs) {
    calls.read(obs, () -> KvValidator.exists(req), req.getRead(), Query.newBuilder().setKvExists(req).build(),
        (r, h) -> r.getKvExists().toBuilder().setHeader(h).build());
  }

  @Override
  public void internalKVKeys(InternalKVKeysRequest req, StreamObserver<InternalKVKeysReply> obs) {
    calls.read(obs, () -> KvValidator.keys(req), req.getRead(), Query.newBuilder().setKvKeys(req).build(),
        (r, h) -> r.getKvKeys().toBuilder().setHeader(h).build());
  }
}
