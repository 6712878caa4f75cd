package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --raft-listen-port}: the Raft bind port, from the flag or the config file; the advertised port otherwise.
 * {@code --max-dead-actors}: the dead-actor bound the leader stamps on commands.
 */
class GcsServerMainTest {
  private static final String PEERS = "n1=127.0.0.1:7101:7001,n2=127.0.0.1:7102:7002";

  @TempDir Path dir;

  private static ServerConfig resolve(String... args) throws Exception {
    GcsServerMain m = new GcsServerMain();
    new CommandLine(m).parseArgs(args);
    return m.resolve();
  }

  @Test
  void bindsTheAdvertisedPortByDefault() throws Exception {
    ServerConfig c = resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS);
    assertEquals(0, c.raftListenPort());
    assertEquals(7101, c.raftBindPort());
    assertEquals("127.0.0.1:7101", c.self().raftAddress());
  }

  @Test
  void listenPortFromFlagOrConfigFile() throws Exception {
    ServerConfig c = resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS,
        "--raft-listen-port", "9101");
    assertEquals(9101, c.raftBindPort());
    assertEquals("127.0.0.1:7101", c.self().raftAddress(), "peers still dial the advertised address");

    Path f = Files.writeString(dir.resolve("gcs.properties"),
        "id=n2\ndata-dir=" + dir + "\npeers=" + PEERS + "\nraft-listen-port=9202\n");
    assertEquals(9202, resolve("--config", f.toString()).raftBindPort());
    assertThrows(IllegalArgumentException.class, () -> resolve("--id", "n1", "--data-dir", dir.toString(),
        "--peers", PEERS, "--raft-listen-port", "70000"));
  }

  @Test
  void maxDeadActorsFromFlagOrConfigFileWithRaysDefault() throws Exception {
    assertEquals(100_000, resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS).maxDeadActors());
    assertEquals(0, resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS,
        "--max-dead-actors", "0").maxDeadActors());
    Path f = Files.writeString(dir.resolve("gcs.properties"),
        "id=n2\ndata-dir=" + dir + "\npeers=" + PEERS + "\nmax-dead-actors=500\n");
    assertEquals(500, resolve("--config", f.toString()).maxDeadActors());
    assertThrows(IllegalArgumentException.class, () -> resolve("--id", "n1", "--data-dir", dir.toString(),
        "--peers", PEERS, "--max-dead-actors", "-1"));
  }

  @Test
  void proposerLimitsFromFlagOrConfigFileWithinBounds() throws Exception {
    ServerConfig d = resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS);
    assertEquals(1, d.proposerMaxInFlight());
    assertEquals(256, d.proposerMaxBatch());
    ServerConfig c = resolve("--id", "n1", "--data-dir", dir.toString(), "--peers", PEERS,
        "--proposer-max-in-flight", "4", "--proposer-max-batch", "64");
    assertEquals(4, c.proposerMaxInFlight());
    assertEquals(64, c.proposerMaxBatch());
    Path f = Files.writeString(dir.resolve("gcs.properties"),
        "id=n2\ndata-dir=" + dir + "\npeers=" + PEERS + "\nproposer-max-in-flight=2\n");
    assertEquals(2, resolve("--config", f.toString()).proposerMaxInFlight());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve("--id", "n1",
        "--data-dir", dir.toString(), "--peers", PEERS, "--proposer-max-in-flight", "0"));
    assertTrue(e.getMessage().contains("proposer-max-in-flight"), e.getMessage());
  }

  @Test
  void raisesTheCommonPoolOnSmallMachinesUnlessTheOperatorSetIt() {
    String before = System.getProperty(GcsServerMain.COMMON_POOL_PARALLELISM);
    try {
      System.clearProperty(GcsServerMain.COMMON_POOL_PARALLELISM);
      GcsServerMain.useCommonPoolOnSmallMachines();
      assertEquals(Runtime.getRuntime().availableProcessors() <= 2 ? "2" : null,
          System.getProperty(GcsServerMain.COMMON_POOL_PARALLELISM));

      System.setProperty(GcsServerMain.COMMON_POOL_PARALLELISM, "7");
      GcsServerMain.useCommonPoolOnSmallMachines();
      assertEquals("7", System.getProperty(GcsServerMain.COMMON_POOL_PARALLELISM));
    } finally {
      if (before == null) {
        System.clearProperty(GcsServerMain.COMMON_POOL_PARALLELISM);
      } else {
        System.setProperty(GcsServerMain.COMMON_POOL_PARALLELISM, before);
      }
    }
  }
}
