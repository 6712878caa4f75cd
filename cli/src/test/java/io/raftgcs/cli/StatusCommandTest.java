package io.raftgcs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftgcs.cli.output.Json;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.MemberReport;
import io.raftgcs.proto.MemberStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  private static MemberReport up(String id, boolean leader, String leaderId) {
    MemberStatus s = MemberStatus.newBuilder().setId(id).setIsLeader(leader).setLeaderId(leaderId)
        .setRole(leader ? "LEADER" : "FOLLOWER").setTerm(2).setCommitIndex(10).setAppliedIndex(9)
        .setDigest("0123456789abcdef0123").setDigestIndex(8).build();
    return new MemberReport("127.0.0.1:700" + id.substring(1), id, Optional.of(s),
        Optional.empty());
  }

  private static MemberReport down(String id) {
    return new MemberReport("127.0.0.1:7003", id, Optional.empty(),
        Optional.of(new GcsException(GcsException.Code.UNAVAILABLE, "refused")));
  }

  @Test
  void jsonShape() {
    List<MemberReport> rs = List.of(up("n1", true, "n1"), down("n3"));
    assertEquals("{\"members\":[{\"id\":\"n1\",\"endpoint\":\"127.0.0.1:7001\",\"reachable\":true,"
        + "\"is_leader\":true,\"role\":\"LEADER\",\"term\":2,\"commit_index\":10,"
        + "\"applied_index\":9,\"snapshot_index\":0,\"digest\":\"0123456789abcdef0123\","
        + "\"digest_index\":8,\"leader_id\":\"n1\"},"
        + "{\"id\":\"n3\",\"endpoint\":\"127.0.0.1:7003\",\"reachable\":false,"
        + "\"error\":\"refused\"}],\"leader\":\"n1\"}",
        Json.write(StatusCommand.json(rs, StatusCommand.leaderOf(rs))));
  }

  @Test
  void tableShortensDigest() {
    List<List<String>> rows = StatusCommand.table(List.of(up("n1", true, "n1"), down("n3"))).rows();
    assertEquals(List.of("n1", "127.0.0.1:7001", "true", "LEADER", "2", "10", "9", "0123456789ab@8",
        "true"), rows.get(0));
    assertEquals("false", rows.get(1).get(8));
  }

  @Test
  void leaderFromFollowersWhenLeaderUnreachable() {
    assertEquals(Optional.of("n1"),
        StatusCommand.leaderOf(List.of(up("n2", false, "n1"), down("n1"))));
    assertEquals(Optional.empty(), StatusCommand.leaderOf(List.of(up("n2", false, ""))));
  }
}
