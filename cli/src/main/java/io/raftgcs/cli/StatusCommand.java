package io.raftgcs.cli;

import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.MemberReport;
import io.raftgcs.proto.MemberStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code gcsctl status}: one row per member, from each member's own answer. */
@Command(name = "status", description = "Show every member's role, term, indexes and digest. "
    + "Exits 4 when no leader is known.")
public final class StatusCommand extends GcsCommand {
  static final int SHORT_DIGEST = 12;

  @Override
  protected int run(GcsClient client) {
    List<MemberReport> reports = client.admin().statusAll();
    Optional<String> leader = leaderOf(reports);
    print(new Output(table(reports), json(reports, leader)));
    return leader.isPresent() ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
  }

  /** The member that says it leads; else the leader most reachable members name. */
  static Optional<String> leaderOf(List<MemberReport> reports) {
    List<MemberStatus> up = reports.stream().flatMap(r -> r.status().stream()).toList();
    Optional<String> self = up.stream().filter(MemberStatus::getIsLeader)
        .map(MemberStatus::getId).findFirst();
    if (self.isPresent()) {
      return self;
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    up.stream().map(MemberStatus::getLeaderId).filter(id -> !id.isEmpty())
        .forEach(id -> votes.merge(id, 1, Integer::sum));
    return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  static Output.Table table(List<MemberReport> reports) {
    List<List<String>> rows = new ArrayList<>();
    for (MemberReport r : reports) {
      String id = r.memberId().isEmpty() ? "?" : r.memberId();
      rows.add(r.status().map(s -> List.of(id, r.endpoint(), String.valueOf(s.getIsLeader()),
          s.getRole(), String.valueOf(s.getTerm()), String.valueOf(s.getCommitIndex()),
          String.valueOf(s.getAppliedIndex()), shortDigest(s.getDigest()), "true"))
          .orElse(List.of(id, r.endpoint(), "-", "-", "-", "-", "-", "-", "false")));
    }
    return new Output.Table(List.of("ID", "ENDPOINT", "LEADER", "ROLE", "TERM", "COMMIT",
        "APPLIED", "DIGEST", "REACHABLE"), rows);
  }

  static Map<String, Object> json(List<MemberReport> reports, Optional<String> leader) {
    List<Object> members = new ArrayList<>();
    for (MemberReport r : reports) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.memberId());
      m.put("endpoint", r.endpoint());
      m.put("reachable", r.reachable());
      r.status().ifPresent(s -> {
        m.put("is_leader", s.getIsLeader());
        m.put("role", s.getRole());
        m.put("term", s.getTerm());
        m.put("commit_index", s.getCommitIndex());
        m.put("applied_index", s.getAppliedIndex());
        m.put("snapshot_index", s.getSnapshotIndex());
        m.put("digest", s.getDigest());
        m.put("digest_index", s.getDigestIndex());
        m.put("leader_id", s.getLeaderId());
      });
      r.error().ifPresent(e -> m.put("error", e.getMessage()));
      members.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("members", members);
    out.put("leader", leader.orElse(null));
    return out;
  }

  private static String shortDigest(String d) {
    return d.isEmpty() ? "-" : d.length() <= SHORT_DIGEST ? d : d.substring(0, SHORT_DIGEST);
  }
}
