package io.raftgcs.client;

import io.grpc.Channel;
import io.raftgcs.proto.AddMemberRequest;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.AdminServiceGrpc.AdminServiceFutureStub;
import io.raftgcs.proto.GetStatusRequest;
import io.raftgcs.proto.Member;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.proto.RemoveMemberRequest;
import io.raftgcs.proto.TakeSnapshotRequest;
import io.raftgcs.proto.TransferLeadershipRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Cluster administration ({@code AdminService}). */
public final class AdminClient {
  private static final GetStatusRequest STATUS = GetStatusRequest.getDefaultInstance();
  /** Time the leader gets to catch a new member up and commit a configuration change. */
  public static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(30);

  private final GcsClient client;

  AdminClient(GcsClient client) {
    this.client = client;
  }

  /** The status of the member serving {@code endpoint}; one attempt, no retries. */
  public CompletableFuture<MemberStatus> statusAsync(String endpoint) {
    return client.executor()
        .execute(CallSpec.probe("GetStatus", endpoint), ch -> stub(ch).getStatus(STATUS));
  }

  public MemberStatus status(String endpoint) {
    return Blocking.await(statusAsync(endpoint));
  }

  /**
   * Status of every member known: the seed endpoints plus every member listed by any member that
   * answered. One report per member (by id), sorted by id; a seed that did not answer and that no
   * member lists is reported under its endpoint with an empty id.
   */
  public CompletableFuture<List<MemberReport>> statusAllAsync() {
    Map<String, CompletableFuture<MemberStatus>> asked = new LinkedHashMap<>();
    client.endpointSet().seeds().forEach(e -> asked.put(e, statusAsync(e)));
    return allSettled(asked.values()).thenCompose(v -> {
      // Members named by the answers but not yet asked at their own address.
      Map<String, Member> members = membersOf(asked.values());
      Set<String> answeredIds = answeredIds(asked.values());
      Map<String, CompletableFuture<MemberStatus>> more = new LinkedHashMap<>();
      for (Member m : members.values()) {
        String api = m.getApiAddress();
        if (!answeredIds.contains(m.getId()) && !api.isEmpty() && !asked.containsKey(api)) {
          more.put(api, statusAsync(api));
        }
      }
      return allSettled(more.values()).thenApply(w -> {
        asked.putAll(more);
        return reports(asked, members);
      });
    });
  }

  public List<MemberReport> statusAll() {
    return Blocking.await(statusAllAsync());
  }

  /**
   * Asks the leader to hand leadership to {@code targetId} (empty: any caught-up follower) and
   * returns the new leader's id.
   */
  public CompletableFuture<String> transferLeadershipAsync(String targetId, Duration timeout) {
    TransferLeadershipRequest req = TransferLeadershipRequest.newBuilder()
        .setTargetId(targetId == null ? "" : targetId)
        .setTimeoutMs(timeout.toMillis())
        .build();
    // The leader answers only once the transfer is done, so give the attempt the transfer's time.
    CallSpec spec = new CallSpec("TransferLeadership", CallSpec.Route.LEADER, null, false,
        timeout.plusSeconds(1), Integer.MAX_VALUE);
    return client.executor()
        .execute(spec, ch -> stub(ch).transferLeadership(req))
        .thenApply(r -> r.getNewLeaderId());
  }

  public String transferLeadership(String targetId) {
    return transferLeadership(targetId, Duration.ofSeconds(5));
  }

  public String transferLeadership(String targetId, Duration timeout) {
    return Blocking.await(transferLeadershipAsync(targetId, timeout));
  }

  /** Makes the member serving {@code endpoint} take a snapshot; returns its index. */
  public CompletableFuture<Long> takeSnapshotAsync(String endpoint) {
    CallSpec spec = CallSpec.probe("TakeSnapshot", endpoint).withAttemptTimeout(
        Duration.ofSeconds(30));
    return client.executor()
        .execute(spec, ch -> stub(ch).takeSnapshot(TakeSnapshotRequest.getDefaultInstance()))
        .thenApply(r -> r.getIndex());
  }

  public long takeSnapshot(String endpoint) {
    return Blocking.await(takeSnapshotAsync(endpoint));
  }

  // ---- membership

  /**
   * Adds a replica to the Raft group. The new member must already run with {@code --join}; the
   * leader catches it up (by snapshot if needed) and commits the new configuration, answering
   * once that is done or {@code timeout} passed. Returns the configuration after the change. A
   * retry after a lost reply may answer ALREADY_EXISTS: the first attempt did it.
   */
  public CompletableFuture<List<Member>> addMemberAsync(String id, String raftAddress,
      String apiAddress, Duration timeout) {
    AddMemberRequest req = AddMemberRequest.newBuilder()
        .setMember(Member.newBuilder().setId(id).setRaftAddress(raftAddress)
            .setApiAddress(apiAddress))
        .setTimeoutMs(timeout.toMillis()).build();
    CallSpec spec = CallSpec.write("AddMember").withAttemptTimeout(timeout.plusSeconds(2));
    return client.executor()
        .execute(spec, timeout.plusSeconds(10), ch -> stub(ch).addMember(req))
        .thenApply(r -> List.copyOf(r.getMembersList()));
  }

  public List<Member> addMember(String id, String raftAddress, String apiAddress) {
    return addMember(id, raftAddress, apiAddress, MEMBERSHIP_TIMEOUT);
  }

  public List<Member> addMember(String id, String raftAddress, String apiAddress,
      Duration timeout) {
    return Blocking.await(addMemberAsync(id, raftAddress, apiAddress, timeout));
  }

  /**
   * Removes a replica from the Raft group (the leader too: it hands over first). Returns the
   * configuration after the change. A retry after a lost reply may answer NOT_FOUND.
   */
  public CompletableFuture<List<Member>> removeMemberAsync(String id, Duration timeout) {
    RemoveMemberRequest req = RemoveMemberRequest.newBuilder().setId(id)
        .setTimeoutMs(timeout.toMillis()).build();
    CallSpec spec = CallSpec.write("RemoveMember").withAttemptTimeout(timeout.plusSeconds(2));
    return client.executor()
        .execute(spec, timeout.plusSeconds(10), ch -> stub(ch).removeMember(req))
        .thenApply(r -> List.copyOf(r.getMembersList()));
  }

  public List<Member> removeMember(String id) {
    return removeMember(id, MEMBERSHIP_TIMEOUT);
  }

  public List<Member> removeMember(String id, Duration timeout) {
    return Blocking.await(removeMemberAsync(id, timeout));
  }

  /**
   * The current configuration as the members report it: the leader's list when a leader
   * answered, else the list of the answering member with the highest applied index. Fails with
   * UNAVAILABLE when no member answered.
   */
  public CompletableFuture<List<Member>> membersAsync() {
    return statusAllAsync().thenApply(reports -> {
      MemberStatus best = null;
      for (MemberReport r : reports) {
        if (r.status().isEmpty()) {
          continue;
        }
        MemberStatus s = r.status().get();
        if (best == null || (s.getIsLeader() && !best.getIsLeader())
            || (s.getIsLeader() == best.getIsLeader()
                && s.getAppliedIndex() > best.getAppliedIndex())) {
          best = s;
        }
      }
      if (best == null) {
        throw new GcsException(GcsException.Code.UNAVAILABLE, "no member answered");
      }
      return List.copyOf(best.getMembersList());
    });
  }

  public List<Member> members() {
    return Blocking.await(membersAsync());
  }

  // ---- helpers

  private static List<MemberReport> reports(Map<String, CompletableFuture<MemberStatus>> asked,
      Map<String, Member> members) {
    Map<String, String> idByApi = new HashMap<>();
    members.values().forEach(m -> idByApi.put(m.getApiAddress(), m.getId()));
    Map<String, MemberReport> byKey = new LinkedHashMap<>();
    // Answers first, so a member reached under two addresses is reported once, as reachable.
    asked.forEach((endpoint, f) -> {
      MemberStatus s = answer(f);
      if (s != null) {
        byKey.putIfAbsent("id:" + s.getId(), MemberReport.answered(endpoint, s));
      }
    });
    asked.forEach((endpoint, f) -> {
      if (f.isCompletedExceptionally()) {
        String id = idByApi.getOrDefault(endpoint, "");
        String key = id.isEmpty() ? "ep:" + endpoint : "id:" + id;
        byKey.putIfAbsent(key, MemberReport.unreachable(endpoint, id, errorOf(f)));
      }
    });
    // Members known only by id (no API address to ask).
    for (Member m : members.values()) {
      byKey.putIfAbsent("id:" + m.getId(), MemberReport.unreachable(m.getApiAddress(), m.getId(),
          new GcsException(GcsException.Code.UNAVAILABLE, "member has no known API address")));
    }
    List<MemberReport> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparing((MemberReport r) -> r.memberId().isEmpty())
        .thenComparing(MemberReport::memberId).thenComparing(MemberReport::endpoint));
    return out;
  }

  private static Map<String, Member> membersOf(Iterable<CompletableFuture<MemberStatus>> fs) {
    Map<String, Member> out = new LinkedHashMap<>();
    for (CompletableFuture<MemberStatus> f : fs) {
      MemberStatus s = answer(f);
      if (s != null) {
        s.getMembersList().forEach(m -> out.putIfAbsent(m.getId(), m));
      }
    }
    return out;
  }

  private static Set<String> answeredIds(Iterable<CompletableFuture<MemberStatus>> fs) {
    Set<String> out = new LinkedHashSet<>();
    for (CompletableFuture<MemberStatus> f : fs) {
      MemberStatus s = answer(f);
      if (s != null) {
        out.add(s.getId());
      }
    }
    return out;
  }

  /** The reply of a settled probe, or null if it failed (getNow would throw). */
  private static MemberStatus answer(CompletableFuture<MemberStatus> f) {
    return f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
  }

  private static GcsException errorOf(CompletableFuture<?> f) {
    try {
      f.join();
      throw new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() instanceof GcsException g ? g
          : new GcsException(GcsException.Code.UNKNOWN, String.valueOf(e.getCause()), false,
              e.getCause());
    }
  }

  private static CompletableFuture<Void> allSettled(
      Collection<CompletableFuture<MemberStatus>> fs) {
    return CompletableFuture.allOf(
        fs.stream().map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new));
  }

  private static AdminServiceFutureStub stub(Channel ch) {
    return AdminServiceGrpc.newFutureStub(ch);
  }
}
