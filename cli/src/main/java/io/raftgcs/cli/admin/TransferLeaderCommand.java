package io.raftgcs.cli.admin;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl admin transfer-leader [ID]}: prints the new leader's id. */
@Command(name = "transfer-leader", description = "Hand leadership to a member "
    + "(default: any caught-up follower).")
public final class TransferLeaderCommand extends GcsCommand {
  @Parameters(index = "0", arity = "0..1", defaultValue = "", paramLabel = "MEMBER_ID")
  String target;

  @Option(names = "--transfer-timeout", defaultValue = "5s", converter = DurationConverter.class,
      paramLabel = "DURATION", description = "How long the leader may take (default: 5s).")
  Duration transferTimeout;

  @Override
  protected int run(GcsClient client) {
    String leader = client.admin().transferLeadership(target, transferTimeout);
    print(Output.of(leader, Map.of("leader", leader)));
    return ExitCodes.OK;
  }
}
