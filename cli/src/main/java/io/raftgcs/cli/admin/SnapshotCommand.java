package io.raftgcs.cli.admin;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gcsctl admin snapshot ENDPOINT}: prints the snapshot's log index. */
@Command(name = "snapshot", description = "Make the member at ENDPOINT take a snapshot now.")
public final class SnapshotCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "ENDPOINT", description = "host:port of the member's API.")
  String endpoint;

  @Override
  protected int run(GcsClient client) {
    long index = client.admin().takeSnapshot(endpoint);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("endpoint", endpoint);
    json.put("index", index);
    print(Output.of(String.valueOf(index), json));
    return ExitCodes.OK;
  }
}
