package io.raftgcs.cli.members;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.Member;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl members add ID RAFT_ADDR API_ADDR}. */
@Command(name = "add", description = "Add a replica. It must already run with --join; the leader "
    + "catches it up and commits the new configuration. Exits 6 if the id is already a member.")
public final class MembersAddCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Member id.")
  String id;

  @Parameters(index = "1", paramLabel = "RAFT_ADDR", description = "host:port of its Raft port.")
  String raftAddress;

  @Parameters(index = "2", paramLabel = "API_ADDR", description = "host:port of its API port.")
  String apiAddress;

  @Option(names = "--change-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Time the leader gets to catch the member up and commit "
          + "(default: ${DEFAULT-VALUE}).")
  Duration changeTimeout;

  @Override
  protected int run(GcsClient client) {
    List<Member> members = client.admin().addMember(id, raftAddress, apiAddress, changeTimeout);
    print(MembersRemoveCommand.result("added " + id, members));
    return ExitCodes.OK;
  }

  static Map<String, Object> member(Member m) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("id", m.getId());
    j.put("raft_address", m.getRaftAddress());
    j.put("api_address", m.getApiAddress());
    return j;
  }
}
