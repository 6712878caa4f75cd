package io.raftgcs.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.AddMemberRequest;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.MembersReply;
import io.raftgcs.proto.RemoveMemberRequest;
import io.raftgcs.proto.GetStatusRequest;
import io.raftgcs.proto.Member;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.proto.TakeSnapshotReply;
import io.raftgcs.proto.TakeSnapshotRequest;
import io.raftgcs.proto.TransferLeadershipReply;
import io.raftgcs.proto.TransferLeadershipRequest;
import io.raftgcs.server.config.PeerSpec;
import io.raftgcs.server.raft.RaftNode;
import io.raftgcs.statemachine.StateDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * Operator view of this replica: its Raft position and state digest, leadership transfer, snapshots.
 * gRPC threads; stateless.
 */
public final class AdminApi extends AdminServiceGrpc.AdminServiceImplBase {
  public static final String VERSION = "0.1.0";
  private final RaftNode raft;
  private final LeaderDirectory directory;
  private final Rpc rpc;

  public AdminApi(RaftNode raft, LeaderDirectory directory, Rpc rpc) {
    this.raft = raft;
    this.directory = directory;
    this.rpc = rpc;
  }

  @Override
  public void getStatus(GetStatusRequest req, StreamObserver<MemberStatus> obs) {
    rpc.answer(obs, () -> CompletableFuture.completedFuture(status()));
  }

  public MemberStatus status() {
    RaftServer.Division d = raft.division();
    DivisionInfo info = d.getInfo();
    String leader = raft.leaderId().orElse("");
    StateDigest.Value digest = raft.stateMachine().digest();
    MemberStatus.Builder b = MemberStatus.newBuilder()
        .setId(raft.id())
        .setApiAddress(directory.apiAddress(raft.id()).orElse(""))
        .setIsLeader(info.isLeader())
        .setLeaderId(leader)
        .setLeaderApiAddress(directory.apiAddress(leader).orElse(""))
        .setTerm(info.getCurrentTerm())
        .setCommitIndex(d.getRaftLog().getLastCommittedIndex())
        .setAppliedIndex(info.getLastAppliedIndex())
        .setSnapshotIndex(d.getRaftLog().getSnapshotIndex())
        .setLogStartIndex(d.getRaftLog().getStartIndex())
        .setDigest(digest.hex())
        .setDigestIndex(digest.index())
        .setRole(info.getCurrentRole().name())
        .setVersion(VERSION);
    for (PeerSpec p : directory.peers()) {
      b.addMembers(Member.newBuilder().setId(p.id()).setRaftAddress(p.raftAddress()).setApiAddress(p.apiAddress()));
    }
    return b.build();
  }

  @Override
  public void transferLeadership(TransferLeadershipRequest req, StreamObserver<TransferLeadershipReply> obs) {
    rpc.answer(obs, () -> CompletableFuture.supplyAsync(() -> {
      if (!raft.info().isLeader()) {
        throw new io.raftgcs.server.raft.NotLeaderException(raft.leaderId().orElse(""), "only the leader hands over");
      }
      String target = req.getTargetId().isEmpty() ? raft.mostCaughtUpFollower().orElse("") : req.getTargetId();
      if (target.isEmpty() || directory.peer(target).isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("target_id: '" + target + "' is not a member").asRuntimeException();
      }
      try {
        raft.transferLeadership(target, req.getTimeoutMs() > 0 ? req.getTimeoutMs() : 5000);
      } catch (java.io.IOException e) {
        throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
      }
      return TransferLeadershipReply.newBuilder().setNewLeaderId(target).build();
    }));
  }

  @Override
  public void addMember(AddMemberRequest req, StreamObserver<MembersReply> obs) {
    rpc.answer(obs, () -> CompletableFuture.supplyAsync(() -> {
      Member m = req.getMember();
      PeerSpec spec;
      try {
        spec = PeerSpec.parse(m.getId() + "=" + m.getRaftAddress() + ":" + port(m.getApiAddress()));
      } catch (IllegalArgumentException e) {
        throw Errors.invalid("member: " + e.getMessage());
      }
      List<PeerSpec> next = new ArrayList<>(raft.members());
      if (next.stream().anyMatch(p -> p.id().equals(spec.id()))) {
        throw Status.ALREADY_EXISTS.withDescription("member " + spec.id() + " already exists").asRuntimeException();
      }
      next.add(spec);
      return changeMembers(next, req.getTimeoutMs());
    }));
  }

  @Override
  public void removeMember(RemoveMemberRequest req, StreamObserver<MembersReply> obs) {
    rpc.answer(obs, () -> CompletableFuture.supplyAsync(() -> {
      List<PeerSpec> next = new ArrayList<>(raft.members());
      if (!next.removeIf(p -> p.id().equals(req.getId()))) {
        throw Status.NOT_FOUND.withDescription("member " + req.getId() + " is not in the configuration").asRuntimeException();
      }
      if (next.isEmpty()) {
        throw Errors.invalid("id: cannot remove the last member");
      }
      return changeMembers(next, req.getTimeoutMs());
    }));
  }

  private static String port(String apiAddress) {
    int i = apiAddress.lastIndexOf(':');
    if (i < 0) {
      throw new IllegalArgumentException("api_address '" + apiAddress + "' must be host:port");
    }
    return apiAddress.substring(i + 1);
  }

  private MembersReply changeMembers(List<PeerSpec> next, long timeoutMs) {
    if (!raft.info().isLeader()) {
      throw new io.raftgcs.server.raft.NotLeaderException(raft.leaderId().orElse(""), "membership changes go to the leader");
    }
    try {
      raft.setMembers(next, timeoutMs > 0 ? timeoutMs : 30_000);
    } catch (java.io.IOException e) {
      throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
    }
    MembersReply.Builder b = MembersReply.newBuilder();
    for (PeerSpec p : next) {
      b.addMembers(Member.newBuilder().setId(p.id()).setRaftAddress(p.raftAddress()).setApiAddress(p.apiAddress()));
    }
    return b.build();
  }

  @Override
  public void takeSnapshot(TakeSnapshotRequest req, StreamObserver<TakeSnapshotReply> obs) {
    rpc.answer(obs, () -> CompletableFuture.supplyAsync(() -> {
      try {
        return TakeSnapshotReply.newBuilder().setIndex(raft.takeSnapshot(30_000)).build();
      } catch (java.io.IOException e) {
        throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
      }
    }));
  }
}
