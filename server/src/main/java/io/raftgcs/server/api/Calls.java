package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.ResponseHeader;
import io.raftgcs.server.raft.Proposer;
import java.util.function.BiFunction;

/**
 * The two shapes of almost every RPC — validate then propose, validate then query — so services state only
 * what differs: the validation, the command or query, and how to build the reply from the result and a
 * header. gRPC threads; stateless.
 */
public final class Calls {
  private final WritePath writes;
  private final ReadPath reads;
  private final Rpc rpc;
  private final String memberId;

  public Calls(WritePath writes, ReadPath reads, Rpc rpc, String memberId) {
    this.writes = writes;
    this.reads = reads;
    this.rpc = rpc;
    this.memberId = memberId;
  }

  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).setMemberId(memberId).build();
  }

  public <T> void write(StreamObserver<T> obs, Runnable validate, RequestId id, Command.Builder cmd,
      BiFunction<Proposer.Proposed, ResponseHeader, T> reply) {
    rpc.answer(obs, () -> {
      validate.run();
      return writes.submitFromApi(id, cmd).thenApply(p -> reply.apply(p, header(p.revision())));
    });
  }

  public <T> void read(StreamObserver<T> obs, Runnable validate, ReadOptions read, Query q,
      BiFunction<QueryResult, ResponseHeader, T> reply) {
    rpc.answer(obs, () -> {
      validate.run();
      return reads.query(read, q).thenApply(r -> reply.apply(r, header(r.getRevision())));
    });
  }

  public Rpc rpc() {
    return rpc;
  }

  public WritePath writes() {
    return writes;
  }

  public ReadPath reads() {
    return reads;
  }
}
