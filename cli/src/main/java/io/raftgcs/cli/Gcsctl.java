package io.raftgcs.cli;

import io.raftgcs.cli.admin.AdminCommand;
import io.raftgcs.cli.bench.BenchCommand;
import io.raftgcs.cli.agent.AgentCommand;
import io.raftgcs.cli.kv.KvCommand;
import io.raftgcs.cli.nodes.NodesCommand;
import io.raftgcs.cli.output.OutputFormat;
import io.raftgcs.cli.output.Printer;
import io.raftgcs.cli.watch.WatchCommand;
import io.raftgcs.client.GcsException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gcsctl}: the raftgcs command line. Holds the global options (inherited by every
 * subcommand, so they may appear before or after the subcommand name) and the process's stdout and
 * stderr. Runs on the main thread.
 */
@Command(
    name = "gcsctl",
    scope = ScopeType.INHERIT, // --help and the exit-code footer on every subcommand
    mixinStandardHelpOptions = true,
    version = "gcsctl 0.1.0",
    description = "Inspect and operate a raftgcs cluster.",
    footer = ExitCodes.FOOTER,
    subcommands = {StatusCommand.class, KvCommand.class, NodesCommand.class, WatchCommand.class,
        AgentCommand.class, BenchCommand.class, AdminCommand.class,
        io.raftgcs.cli.actors.ActorsCommand.class, io.raftgcs.cli.summary.SummaryCommand.class,
        io.raftgcs.cli.members.MembersCommand.class,
        io.raftgcs.cli.jobs.JobsCommand.class, io.raftgcs.cli.pgs.PgsCommand.class,
        io.raftgcs.cli.workers.WorkersCommand.class, io.raftgcs.cli.tasks.TasksCommand.class})
public final class Gcsctl implements Runnable {
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";

  @Option(names = "--endpoints", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:GCSCTL_ENDPOINTS:-" + DEFAULT_ENDPOINTS + "}",
      description = "API endpoints of the replicas (default: $GCSCTL_ENDPOINTS, else ${DEFAULT-VALUE}).")
  String endpoints;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "10s",
      converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Total time for each request including retries, e.g. 500ms, 5s "
          + "(default: ${DEFAULT-VALUE}).")
  Duration timeout;

  private final PrintStream out;
  private final PrintStream err;

  public Gcsctl(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line; returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Gcsctl(out, err));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("gcsctl: " + messageOf(e));
      err.flush();
      return exitCodeOf(e);
    });
    cl.setParameterExceptionHandler((e, args) -> {
      err.println("gcsctl: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      err.flush();
      return ExitCodes.USAGE;
    });
    return cl;
  }

  static int exitCodeOf(Throwable e) {
    if (e instanceof GcsException g) {
      return ExitCodes.of(g.code());
    }
    if (e instanceof CliException c) {
      return c.exitCode();
    }
    if (e instanceof IllegalArgumentException) {
      return ExitCodes.INVALID_ARGUMENT;
    }
    return ExitCodes.ERROR;
  }

  private static String messageOf(Throwable e) {
    return e instanceof GcsException || e instanceof CliException || e.getMessage() != null
        ? e.getMessage() : e.toString();
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw missingSubcommand(spec);
  }

  /** For command groups (kv, bench, admin) invoked without a verb. */
  public static CommandLine.ParameterException missingSubcommand(CommandSpec spec) {
    return new CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand; one of: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** The --timeout in milliseconds. */
  public long timeoutMillis() {
    return timeout.toMillis();
  }

  public List<String> endpointList() {
    return Arrays.stream(endpoints.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .toList();
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Printer printer() {
    return Printer.forFormat(output, out);
  }
}
