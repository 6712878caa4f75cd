package io.raftgcs.cli.jobs;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.JobClient;
import io.raftgcs.proto.JobTableData;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gcsctl jobs get ID}: one job. */
@Command(name = "get", description = "Show one job by hex id (8 digits), '#N' (decimal), or "
    + "job_submission_id. Exits 3 when the cluster does not know it.")
public final class JobsGetCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "JOB_ID")
  String id;

  @Override
  protected int run(GcsClient client) {
    String key = id.trim();
    if (key.startsWith("#")) {
      try {
        key = JobClient.hex(Integer.parseInt(key.substring(1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a decimal job id: " + id);
      }
    }
    List<JobTableData> jobs = client.jobs().getAll(null, key).jobs();
    if (jobs.isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "job not found: " + id);
    }
    JobTableData j = jobs.get(0);
    print(new Output(new Output.Table(List.of(), JobFormat.details(j)), JobFormat.json(j)));
    return ExitCodes.OK;
  }
}
