package io.raftgcs.cli.members;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl members remove ID}. */
@Command(name = "remove", description = "Remove a replica (the leader too: it hands over first). "
    + "Exits 3 if the id is not a member.")
public final class MembersRemoveCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Member id.")
  String id;

  @Option(names = "--change-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Time the leader gets to commit the change (default: ${DEFAULT-VALUE}).")
  Duration changeTimeout;

  @Override
  protected int run(GcsClient client) {
    List<Member> members = client.admin().removeMember(id, changeTimeout);
    print(result("removed " + id, members));
    return ExitCodes.OK;
  }

  /** The configuration after a change: a line, then the members; JSON {"members":[...]}. */
  static Output result(String what, List<Member> members) {
    List<List<String>> rows = new ArrayList<>();
    List<Object> items = new ArrayList<>();
    for (Member m : members) {
      rows.add(List.of(m.getId(), m.getRaftAddress(), m.getApiAddress()));
      items.add(MembersAddCommand.member(m));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("result", what);
    json.put("members", items);
    List<List<String>> lines = new ArrayList<>();
    lines.add(List.of(what + "; members now:", "", ""));
    lines.addAll(rows);
    return new Output(new Output.Table(List.of(), lines), json);
  }
}
