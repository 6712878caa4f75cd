package io.raftgcs.cli.jobs;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.JobClient;
import io.raftgcs.proto.JobTableData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl jobs list}: one row per job, in job-id order. */
@Command(name = "list", description = "List jobs (running and finished), in job-id order. "
    + "JSON: {\"jobs\":[...],\"total\":N,\"revision\":R}.")
public final class JobsListCommand extends GcsCommand {
  @Option(names = "--limit", paramLabel = "N",
      description = "Show at most N jobs (default: all); total still counts every match.")
  Long limit;

  @Option(names = "--id", paramLabel = "JOB_OR_SUBMISSION_ID",
      description = "Only the job with this hex id or job_submission_id.")
  String id;

  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    if (limit != null && limit < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--limit must not be negative");
    }
    JobClient jobs = stale ? client.jobs().stale() : client.jobs();
    JobClient.JobList list = jobs.getAll(limit, id);
    List<List<String>> rows = new ArrayList<>();
    List<Object> json = new ArrayList<>();
    for (JobTableData j : list.jobs()) {
      rows.add(JobFormat.row(j));
      json.add(JobFormat.json(j));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobs", json);
    m.put("total", list.total());
    m.put("revision", list.revision());
    print(new Output(new Output.Table(JobFormat.header(), rows), m));
    if (!json()) {
      out().printf("%d shown, %d total, at revision %d%n", list.jobs().size(), list.total(),
          list.revision());
      out().flush();
    }
    return ExitCodes.OK;
  }
}
