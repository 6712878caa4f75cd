package io.raftgcs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three members of one system as our own child processes: data, logs and a pid file per member under
 * {@code dir/<member>/}. The pid files let {@code bench/compare} clean up if this JVM dies.
 */
public abstract class Cluster implements AutoCloseable {
  public static final int MEMBERS = 3;
  protected final Path dir;
  private final Process[] procs = new Process[MEMBERS];

  protected Cluster(Path dir) {
    this.dir = dir;
  }

  public abstract String system();

  /** Client endpoint of member i ("host:port"). */
  public abstract String endpoint(int i);

  /** The command line that starts member i (also used to restart it after kill -9). */
  protected abstract List<String> command(int i);

  /** One-time preparation of member i's directory (config files). */
  protected void prepare(int i) throws IOException {}

  public Path memberDir(int i) {
    return dir.resolve("m" + (i + 1));
  }

  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      out.add(endpoint(i));
    }
    return out;
  }

  public void startAll() throws IOException {
    for (int i = 0; i < MEMBERS; i++) {
      Files.createDirectories(memberDir(i));
      prepare(i);
    }
    for (int i = 0; i < MEMBERS; i++) {
      start(i);
    }
  }

  public synchronized void start(int i) throws IOException {
    Path md = memberDir(i);
    ProcessBuilder pb = new ProcessBuilder(command(i)).directory(md.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(md.resolve("server.log").toFile()));
    Process p = pb.start();
    procs[i] = p;
    Files.writeString(md.resolve("pid"), Long.toString(p.pid()) + "\n", StandardCharsets.US_ASCII);
  }

  /**
   * CPU used so far by the members now running, in nanoseconds (see {@link ProcessCpu}); -1 if any member
   * is down, since the sum would then drop.
   */
  public synchronized long cpuNanos() {
    long sum = 0;
    for (int i = 0; i < MEMBERS; i++) {
      long n = ProcessCpu.nanos(pid(i));
      if (n < 0) {
        return -1;
      }
      sum += n;
    }
    return sum;
  }

  public synchronized long pid(int i) {
    return procs[i] == null ? -1 : procs[i].pid();
  }

  /** SIGKILL (Process.destroyForcibly is kill -9 on Linux), then reap. */
  public void kill9(int i) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = procs[i];
      procs[i] = null;
    }
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Polite stop (SIGTERM), then SIGKILL after 10 s. */
  @Override
  public void close() {
    for (int i = 0; i < MEMBERS; i++) {
      Process p;
      synchronized (this) {
        p = procs[i];
        procs[i] = null;
      }
      if (p != null) {
        p.destroy();
      }
      if (p != null) {
        try {
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // ---- the three systems

  /** raftgcs: bin/gcs-server's jar, 512 MiB G1 heap (the launcher's default). */
  public static final class Raftgcs extends Cluster {
    private final Path jar;
    private final int raftBase;
    private final int apiBase;

    public Raftgcs(Path dir, Path jar, int raftBase, int apiBase) {
      super(dir);
      this.jar = jar;
      this.raftBase = raftBase;
      this.apiBase = apiBase;
    }

    @Override
    public String system() {
      return "raftgcs";
    }

    @Override
    public String endpoint(int i) {
      return "127.0.0.1:" + (apiBase + i);
    }

    @Override
    protected List<String> command(int i) {
      StringBuilder peers = new StringBuilder();
      for (int j = 0; j < MEMBERS; j++) {
        peers.append(j == 0 ? "" : ",").append("n").append(j + 1).append("=127.0.0.1:")
            .append(raftBase + j).append(':').append(apiBase + j);
      }
      List<String> cmd = new ArrayList<>(List.of("java"));
      String opts = System.getenv().getOrDefault("GCS_JAVA_OPTS", "-Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -XX:TieredStopAtLevel=1");
      for (String o : opts.trim().split("\\s+")) {
        if (!o.isEmpty()) {
          cmd.add(o);
        }
      }
      String extra = System.getenv("BENCH_RAFTGCS_JAVA_OPTS");
      if (extra != null && !extra.isBlank() && i == Integer.getInteger("bench.profileMember", -1)) {
        cmd.addAll(List.of(extra.trim().split("\\s+")));
      }
      cmd.addAll(List.of("-jar", jar.toString(), "--id", "n" + (i + 1), "--data-dir",
          memberDir(i).resolve("data").toString(), "--peers", peers.toString()));
      return cmd;
    }
  }

  /** etcd 3.4 (Debian etcd-server), default settings: fsync on commit, 100 ms heartbeat, 1 s election. */
  public static final class Etcd extends Cluster {
    private final String binary;
    private final int clientBase;
    private final int peerBase;

    public Etcd(Path dir, String binary, int clientBase, int peerBase) {
      super(dir);
      this.binary = binary;
      this.clientBase = clientBase;
      this.peerBase = peerBase;
    }

    @Override
    public String system() {
      return "etcd";
    }

    @Override
    public String endpoint(int i) {
      return "127.0.0.1:" + (clientBase + i);
    }

    @Override
    protected List<String> command(int i) {
      StringBuilder initial = new StringBuilder();
      for (int j = 0; j < MEMBERS; j++) {
        initial.append(j == 0 ? "" : ",").append("e").append(j + 1).append("=http://127.0.0.1:")
            .append(peerBase + j);
      }
      String client = "http://127.0.0.1:" + (clientBase + i);
      String peer = "http://127.0.0.1:" + (peerBase + i);
      return List.of(binary, "--name", "e" + (i + 1), "--data-dir", memberDir(i).resolve("data").toString(),
          "--listen-client-urls", client, "--advertise-client-urls", client,
          "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
          "--initial-cluster-token", "raftgcs-bench", "--logger", "zap", "--log-outputs", "stderr");
    }
  }

  /** ZooKeeper 3.8 (Debian zookeeper), Debian's example zoo.cfg settings, 512 MiB G1 heap. */
  public static final class Zk extends Cluster {
    private final String classpath;
    private final int clientBase;
    private final int quorumBase;
    private final int electionBase;

    public Zk(Path dir, String classpath, int clientBase, int quorumBase, int electionBase) {
      super(dir);
      this.classpath = classpath;
      this.clientBase = clientBase;
      this.quorumBase = quorumBase;
      this.electionBase = electionBase;
    }

    @Override
    public String system() {
      return "zk";
    }

    @Override
    public String endpoint(int i) {
      return "127.0.0.1:" + (clientBase + i);
    }

    @Override
    protected void prepare(int i) throws IOException {
      Path data = memberDir(i).resolve("data");
      Files.createDirectories(data);
      Files.writeString(data.resolve("myid"), (i + 1) + "\n");
      StringBuilder cfg = new StringBuilder();
      cfg.append("tickTime=2000\ninitLimit=10\nsyncLimit=5\n");
      cfg.append("dataDir=").append(data).append('\n');
      cfg.append("clientPort=").append(clientBase + i).append('\n');
      cfg.append("clientPortAddress=127.0.0.1\n");
      cfg.append("admin.enableServer=false\n");
      cfg.append("4lw.commands.whitelist=srvr,stat,ruok\n");
      for (int j = 0; j < MEMBERS; j++) {
        cfg.append("server.").append(j + 1).append("=127.0.0.1:").append(quorumBase + j).append(':')
            .append(electionBase + j).append('\n');
      }
      Files.writeString(memberDir(i).resolve("zoo.cfg"), cfg.toString());
    }

    @Override
    protected List<String> command(int i) {
      return List.of("java", "-Xms512m", "-Xmx512m", "-XX:+UseG1GC",
          "-Dzookeeper.log.dir=" + memberDir(i), "-cp", classpath,
          "org.apache.zookeeper.server.quorum.QuorumPeerMain", memberDir(i).resolve("zoo.cfg").toString());
    }
  }
}
