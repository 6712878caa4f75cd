package io.raftgcs.cli.members;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.MemberReport;
import io.raftgcs.proto.Member;
import io.raftgcs.proto.MemberStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code gcsctl members list}: the configuration and how each member is doing. */
@Command(name = "list", description = "List the members of the Raft group with their role, term "
    + "and applied index. JSON: {\"members\":[{\"id\",\"raft_address\",\"api_address\",\"role\","
    + "\"is_leader\",\"reachable\",\"term\",\"applied_index\",\"error\"}],\"leader_id\":ID}. "
    + "Exits 4 when no member answers.")
public final class MembersListCommand extends GcsCommand {
  @Override
  protected int run(GcsClient client) {
    List<MemberReport> reports = client.admin().statusAll();
    // The configuration according to the leader, else to the most advanced member that answered.
    MemberStatus best = null;
    for (MemberReport r : reports) {
      if (r.status().isPresent()) {
        MemberStatus s = r.status().get();
        if (best == null || (s.getIsLeader() && !best.getIsLeader())
            || (s.getIsLeader() == best.getIsLeader()
                && s.getAppliedIndex() > best.getAppliedIndex())) {
          best = s;
        }
      }
    }
    if (best == null) {
      throw new GcsException(GcsException.Code.UNAVAILABLE, "no member answered: "
          + reports.stream().map(r -> r.endpoint() + " ("
              + r.error().map(Throwable::getMessage).orElse("?") + ")").toList());
    }
    Map<String, MemberReport> byId = new LinkedHashMap<>();
    reports.forEach(r -> byId.put(r.memberId(), r));
    List<List<String>> rows = new ArrayList<>();
    List<Object> items = new ArrayList<>();
    for (Member m : best.getMembersList()) {
      MemberReport r = byId.get(m.getId());
      MemberStatus s = r == null ? null : r.status().orElse(null);
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("id", m.getId());
      j.put("raft_address", m.getRaftAddress());
      j.put("api_address", m.getApiAddress());
      j.put("role", s == null ? "UNREACHABLE" : s.getRole());
      j.put("is_leader", s != null && s.getIsLeader());
      j.put("reachable", s != null);
      j.put("term", s == null ? null : s.getTerm());
      j.put("applied_index", s == null ? null : s.getAppliedIndex());
      j.put("error", s != null || r == null ? null
          : r.error().map(Throwable::getMessage).orElse(null));
      items.add(j);
      rows.add(List.of(m.getId(), m.getRaftAddress(), m.getApiAddress(),
          String.valueOf(j.get("role")), s == null ? "-" : String.valueOf(s.getTerm()),
          s == null ? "-" : String.valueOf(s.getAppliedIndex())));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("members", items);
    json.put("leader_id", best.getLeaderId());
    print(new Output(new Output.Table(
        List.of("ID", "RAFT_ADDRESS", "API_ADDRESS", "ROLE", "TERM", "APPLIED"), rows), json));
    return ExitCodes.OK;
  }
}
