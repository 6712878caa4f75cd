package io.raftgcs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.cli.kv.KvPutCommandAccess;
import io.raftgcs.cli.output.OutputFormat;
import io.raftgcs.client.GcsException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Argument parsing, exit codes and error reporting; no server needed. */
@Timeout(30)
class GcsctlTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private CommandLine cl() {
    return Gcsctl.commandLine(new PrintStream(out, true), new PrintStream(err, true));
  }

  private static Gcsctl root(CommandLine cl) {
    return cl.getCommand();
  }

  @Test
  void globalOptionsAreAcceptedBeforeOrAfterTheSubcommand() {
    CommandLine a = cl();
    a.parseArgs("-o", "json", "--endpoints", "h:1,h:2", "--timeout", "500ms", "kv", "get", "k");
    CommandLine b = cl();
    b.parseArgs("kv", "get", "k", "-o", "JSON", "--endpoints", "h:1,h:2", "--timeout", "500ms");
    for (CommandLine c : List.of(a, b)) {
      assertEquals(OutputFormat.json, root(c).output);
      assertEquals(List.of("h:1", "h:2"), root(c).endpointList());
      assertEquals(Duration.ofMillis(500), root(c).timeout);
    }
  }

  @Test
  void defaults() {
    CommandLine c = cl();
    c.parseArgs("status");
    assertEquals(OutputFormat.table, root(c).output);
    assertEquals(Duration.ofSeconds(10), root(c).timeout);
    if (System.getenv("GCSCTL_ENDPOINTS") == null) {
      assertEquals(Gcsctl.DEFAULT_ENDPOINTS, root(c).endpoints);
    }
  }

  @Test
  void kvPutOptions() throws Exception {
    CommandLine c = cl();
    ParseResult pr = c.parseArgs("kv", "put", "k", "-", "-n", "ns", "--no-overwrite");
    Object put = pr.subcommand().subcommand().commandSpec().userObject();
    byte[] stdin = {0, 1, 2, (byte) 0xff};
    assertArrayEquals(stdin, KvPutCommandAccess.value(put, stdin));
    assertEquals("ns", KvPutCommandAccess.namespace(put));
    assertTrue(KvPutCommandAccess.noOverwrite(put));
  }

  @Test
  void usageErrorsExit2() {
    assertEquals(ExitCodes.USAGE, cl().execute("kv", "put"));
    assertTrue(err().startsWith("gcsctl: "), err());
    assertEquals(ExitCodes.USAGE, cl().execute("kv"));
    assertEquals(ExitCodes.USAGE, cl().execute());
    assertEquals(ExitCodes.USAGE, cl().execute("-o", "yaml", "status"));
    assertEquals(ExitCodes.USAGE, cl().execute("status", "--timeout", "soon"));
    assertEquals(ExitCodes.USAGE, cl().execute("kv", "put", "k"), "no value given");
    assertEquals(ExitCodes.OK, cl().execute("kv", "get", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Exit codes:"));
  }

  @Test
  void unreachableClusterExits4() throws Exception {
    String dead = "127.0.0.1:" + freePort();
    int rc = cl().execute("kv", "get", "k", "--endpoints", dead, "--timeout", "300ms");
    assertEquals(ExitCodes.UNAVAILABLE, rc);
    assertTrue(err().startsWith("gcsctl: InternalKVGet"), err());

    out.reset();
    rc = cl().execute("status", "-o", "json", "--endpoints", dead, "--timeout", "1s");
    assertEquals(ExitCodes.UNAVAILABLE, rc);
    String json = out.toString(StandardCharsets.UTF_8).trim();
    assertTrue(json.startsWith("{\"members\":[{\"id\":\"\",\"endpoint\":\"" + dead
        + "\",\"reachable\":false,\"error\":"), json);
    assertTrue(json.endsWith(",\"leader\":null}"), json);
  }

  @Test
  void exitCodeMapping() {
    assertEquals(3, ExitCodes.of(GcsException.Code.NOT_FOUND));
    assertEquals(4, ExitCodes.of(GcsException.Code.DEADLINE_EXCEEDED));
    assertEquals(5, ExitCodes.of(GcsException.Code.RESOURCE_EXHAUSTED));
    assertEquals(6, ExitCodes.of(GcsException.Code.FAILED_PRECONDITION));
    assertEquals(1, ExitCodes.of(GcsException.Code.INTERNAL));
    assertEquals(3, Gcsctl.exitCodeOf(new CliException(3, "key not found: k")));
  }

  @Test
  void durations() {
    DurationConverter d = new DurationConverter();
    assertEquals(Duration.ofMillis(500), d.convert("500ms"));
    assertEquals(Duration.ofSeconds(5), d.convert("5s"));
    assertEquals(Duration.ofMinutes(2), d.convert("2m"));
    assertEquals(Duration.ofSeconds(3), d.convert("PT3S"));
    assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("0s"));
    assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("5 parsecs"));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
