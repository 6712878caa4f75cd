package io.raftgcs.cli;

import io.raftgcs.cli.nodes.NodeFormat;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.MemberReport;
import io.raftgcs.client.NodeClient;
import io.raftgcs.client.NodeList;
import io.raftgcs.client.NodeQuery;
import io.raftgcs.client.ResourceClient;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.proto.NodeState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;

/**
 * {@code gcsctl status}: one row per member, from each member's own answer, then the cluster view
 * (like {@code ray status}). JSON: {"members":[...],"leader":..,"nodes":{"alive":N,"dead":M},
 * "resources":{"CPU":{"total":X,"used":Y},...}}.
 */
@Command(name = "status", description = "Show every member's role, term, indexes and digest, "
    + "then the cluster: alive/dead nodes and resources used/total. Exits 4 when no leader is "
    + "known.")
public final class StatusCommand extends GcsCommand {
  static final int SHORT_DIGEST = 12;

  /**
   * Cluster view like {@code ray status}: node counts and resources; {@code error} set instead
   * when it could not be read.
   */
  record ClusterSummary(long alive, long dead, Map<String, ResourceClient.ResourceAmount> resources,
      String error) {
    static ClusterSummary failed(String error) {
      return new ClusterSummary(0, 0, Map.of(), error);
    }
  }

  @Override
  protected int run(GcsClient client) {
    List<MemberReport> reports = client.admin().statusAll();
    Optional<String> leader = leaderOf(reports);
    // Nothing answered: there is no one to ask about nodes either.
    ClusterSummary cluster = reports.stream().anyMatch(MemberReport::reachable)
        ? cluster(client, leader.isPresent()) : null;
    print(new Output(table(reports), cluster == null ? json(reports, leader)
        : json(reports, leader, cluster)));
    if (!json() && cluster != null) {
      clusterLines(cluster).forEach(out()::println);
      out().flush();
    }
    return leader.isPresent() ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
  }

  /** Linearizable with a leader; without one, whatever a replica has applied (stale). */
  static ClusterSummary cluster(GcsClient client, boolean haveLeader) {
    NodeClient nodes = haveLeader ? client.nodes() : client.nodes().stale();
    ResourceClient resources = haveLeader ? client.resources() : client.resources().stale();
    try {
      CompletableFuture<NodeList> alive = nodes.getAllAsync(
          NodeQuery.all().state(NodeState.ALIVE).limit(1));
      CompletableFuture<Map<String, ResourceClient.ResourceAmount>> res =
          resources.clusterAsync();
      NodeList l = alive.get();
      return new ClusterSummary(l.total() - l.numFiltered(), l.numFiltered(), res.get(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ClusterSummary.failed("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return ClusterSummary.failed(c instanceof GcsException ? c.getMessage() : String.valueOf(c));
    }
  }

  static List<String> clusterLines(ClusterSummary c) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    if (c.error() != null) {
      lines.add("Cluster: unavailable (" + c.error() + ")");
      return lines;
    }
    lines.add("Nodes: " + c.alive() + " alive, " + c.dead() + " dead");
    lines.add("Resources (used/total):");
    if (c.resources().isEmpty()) {
      lines.add("  (none)");
    }
    c.resources().forEach((name, a) -> lines.add("  " + NodeFormat.number(a.used()) + "/"
        + NodeFormat.number(a.total()) + " " + name));
    return lines;
  }

  /** The members document plus the cluster view ("nodes", "resources", or "cluster_error"). */
  static Map<String, Object> json(List<MemberReport> reports, Optional<String> leader,
      ClusterSummary c) {
    Map<String, Object> out = json(reports, leader);
    if (c.error() != null) {
      out.put("cluster_error", c.error());
      return out;
    }
    Map<String, Object> nodes = new LinkedHashMap<>();
    nodes.put("alive", c.alive());
    nodes.put("dead", c.dead());
    out.put("nodes", nodes);
    Map<String, Object> res = new LinkedHashMap<>();
    c.resources().forEach((name, a) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("total", a.total());
      m.put("used", a.used());
      res.put(name, m);
    });
    out.put("resources", res);
    return out;
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
          String.valueOf(s.getAppliedIndex()), digestAt(s), "true"))
          .orElse(List.of(id, r.endpoint(), "-", "-", "-", "-", "-", "-", "false")));
    }
    return new Output.Table(List.of("ID", "ENDPOINT", "LEADER", "ROLE", "TERM", "COMMIT",
        "APPLIED", "DIGEST@INDEX", "REACHABLE"), rows);
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

  /**
   * The digest with the index it was taken at. A replica that is still applying takes its digest at an
   * index below the APPLIED it reports a moment later; only digests at the same index must agree.
   */
  private static String digestAt(MemberStatus s) {
    return s.getDigest().isEmpty() ? "-" : shortDigest(s.getDigest()) + "@" + s.getDigestIndex();
  }

  private static String shortDigest(String d) {
    return d.length() <= SHORT_DIGEST ? d : d.substring(0, SHORT_DIGEST);
  }
}
