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
import io.raftgcs.proto.ResponseHeader;

/**
 * Ray's InternalKVGcsService: validate, then propose (writes) or query (reads). gRPC threads; stateless.
 */
public final class KvService extends InternalKVGcsServiceGrpc.InternalKVGcsServiceImplBase {
  private final WritePath writes;
  private final ReadPath reads;
  private final Rpc rpc;
  private final String memberId;

  public KvService(WritePath writes, ReadPath reads, Rpc rpc, String memberId) {
    this.writes = writes;
    this.reads = reads;
    this.rpc = rpc;
    this.memberId = memberId;
  }

  private ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).setMemberId(memberId).build();
  }

  @Override
  public void internalKVPut(InternalKVPutRequest req, StreamObserver<InternalKVPutReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.put(req);
      return writes.submit(req.getRequestId(), Command.newBuilder().setKvPut(req))
          .thenApply(p -> p.result().getKvPut().toBuilder().setHeader(header(p.revision())).build());
    });
  }

  @Override
  public void internalKVDel(InternalKVDelRequest req, StreamObserver<InternalKVDelReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.del(req);
      return writes.submit(req.getRequestId(), Command.newBuilder().setKvDel(req))
          .thenApply(p -> p.result().getKvDel().toBuilder().setHeader(header(p.revision())).build());
    });
  }

  @Override
  public void internalKVGet(InternalKVGetRequest req, StreamObserver<InternalKVGetReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.get(req);
      return reads.query(req.getRead(), Query.newBuilder().setKvGet(req).build())
          .thenApply(r -> r.getKvGet().toBuilder().setHeader(header(r.getRevision())).build());
    });
  }

  @Override
  public void internalKVMultiGet(InternalKVMultiGetRequest req, StreamObserver<InternalKVMultiGetReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.multiGet(req);
      return reads.query(req.getRead(), Query.newBuilder().setKvMultiGet(req).build())
          .thenApply(r -> r.getKvMultiGet().toBuilder().setHeader(header(r.getRevision())).build());
    });
  }

  @Override
  public void internalKVExists(InternalKVExistsRequest req, StreamObserver<InternalKVExistsReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.exists(req);
      return reads.query(req.getRead(), Query.newBuilder().setKvExists(req).build())
          .thenApply(r -> r.getKvExists().toBuilder().setHeader(header(r.getRevision())).build());
    });
  }

  @Override
  public void internalKVKeys(InternalKVKeysRequest req, StreamObserver<InternalKVKeysReply> obs) {
    rpc.answer(obs, () -> {
      KvValidator.keys(req);
      return reads.query(req.getRead(), Query.newBuilder().setKvKeys(req).build())
          .thenApply(r -> r.getKvKeys().toBuilder().setHeader(header(r.getRevision())).build());
    });
  }
}
