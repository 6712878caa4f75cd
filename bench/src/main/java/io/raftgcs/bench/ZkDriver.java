package io.raftgcs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * ZooKeeper through its own client: 16 sessions, session i pinned to member i mod 3. A put is
 * setData (create the first time a key is written; the harness is the only writer, so it knows).
 * Linearizable get = sync + getData pipelined on the same session; stale get = getData.
 * Watches are one-shot data watches, re-armed by the getData that reads the new value.
 */
public final class ZkDriver implements Driver {
  private static final String ROOT = "/b";
  private static final int SESSION_MS = 15_000;
  private final List<String> endpoints;
  private final ZooKeeper[] conns = new ZooKeeper[Workloads.CONNECTIONS];
  private final ZooKeeper[] members;
  private final Set<String> existing = ConcurrentHashMap.newKeySet();

  public ZkDriver(List<String> endpoints) throws Exception {
    this.endpoints = endpoints;
    members = new ZooKeeper[endpoints.size()];
    for (int m = 0; m < endpoints.size(); m++) {
      members[m] = connect(endpoints.get(m));
    }
    for (int c = 0; c < Workloads.CONNECTIONS; c++) {
      conns[c] = connect(endpoints.get(c % endpoints.size()));
    }
    try {
      conns[0].create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    } catch (KeeperException.NodeExistsException ignored) {
      // fine
    }
  }

  private static ZooKeeper connect(String endpoint) throws IOException, InterruptedException {
    CountDownLatch up = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(endpoint, SESSION_MS, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        up.countDown();
      }
    });
    if (!up.await(30, TimeUnit.SECONDS)) {
      throw new IOException("ZooKeeper session to " + endpoint + " not connected in 30 s");
    }
    return zk;
  }

  private static String path(byte[] key) {
    return ROOT + "/" + new String(key, StandardCharsets.US_ASCII);
  }

  @Override
  public String name() {
    return "zk";
  }

  @Override
  public CompletableFuture<?> put(int conn, byte[] key, byte[] value) {
    return upsert(conns[conn], path(key), value, 2);
  }

  private CompletableFuture<?> upsert(ZooKeeper zk, String path, byte[] value, int attempts) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (existing.contains(path)) {
      zk.setData(path, value, -1, (rc, p, ctx, stat) -> {
        if (rc == Code.OK.intValue()) {
          f.complete(stat);
        } else if (rc == Code.NONODE.intValue() && attempts > 1) {
          existing.remove(path);
          upsert(zk, path, value, attempts - 1).whenComplete((r, e) -> complete(f, r, e));
        } else {
          f.completeExceptionally(KeeperException.create(Code.get(rc), p));
        }
      }, null);
    } else {
      zk.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
        if (rc == Code.OK.intValue()) {
          existing.add(path);
          f.complete(name);
        } else if (rc == Code.NODEEXISTS.intValue() && attempts > 1) {
          existing.add(path);
          upsert(zk, path, value, attempts - 1).whenComplete((r, e) -> complete(f, r, e));
        } else {
          f.completeExceptionally(KeeperException.create(Code.get(rc), p));
        }
      }, null);
    }
    return f;
  }

  private static void complete(CompletableFuture<Object> f, Object r, Throwable e) {
    if (e != null) {
      f.completeExceptionally(e);
    } else {
      f.complete(r);
    }
  }

  @Override
  public CompletableFuture<?> get(int conn, byte[] key, boolean linearizable) {
    ZooKeeper zk = conns[conn];
    String path = path(key);
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (linearizable) {
      zk.sync(path, (rc, p, ctx) -> {
        if (rc != Code.OK.intValue() && !f.isDone()) {
          f.completeExceptionally(KeeperException.create(Code.get(rc), p));
        }
      }, null);
    }
    zk.getData(path, false, (rc, p, ctx, data, stat) -> {
      if (rc == Code.OK.intValue() || rc == Code.NONODE.intValue()) {
        f.complete(data);
      } else {
        f.completeExceptionally(KeeperException.create(Code.get(rc), p));
      }
    }, null);
    return f;
  }

  @Override
  public String linearizableGetNote() {
    return "sync+getData";
  }

  @Override
  public void prepareWatchKey(byte[] key) throws Exception {
    upsert(conns[0], path(key), new byte[8], 2).get(10, TimeUnit.SECONDS);
  }

  @Override
  public AutoCloseable watch(int conn, byte[] key, Consumer<byte[]> onValue) {
    ZooKeeper zk = conns[conn];
    String path = path(key);
    AtomicBoolean open = new AtomicBoolean(true);
    Watcher[] self = new Watcher[1];
    long[] lastVersion = {-1};
    self[0] = event -> {
      if (!open.get() || event.getType() != Watcher.Event.EventType.NodeDataChanged) {
        return;
      }
      // Read the new value and re-arm the one-shot watch in the same call.
      zk.getData(path, self[0], (rc, p, ctx, data, stat) -> {
        if (rc == Code.OK.intValue() && stat.getVersion() != lastVersion[0]) {
          lastVersion[0] = stat.getVersion();
          onValue.accept(data);
        }
      }, null);
    };
    zk.getData(path, self[0], (rc, p, ctx, data, stat) -> {
      if (rc == Code.OK.intValue()) {
        lastVersion[0] = stat.getVersion();
      }
    }, null);
    return () -> open.set(false);
  }

  @Override
  public CompletableFuture<?> probePut(int member, byte[] key, byte[] value) {
    return upsert(members[member], path(key), value, 2).orTimeout(2, TimeUnit.SECONDS);
  }

  /** "leader", "follower", or null: the four-letter "srvr" command. */
  private String mode(int m) {
    String[] hp = endpoints.get(m).split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : text.split("\n")) {
        if (line.startsWith("Mode:")) {
          return line.substring(5).trim();
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public int leaderIndex() {
    for (int m = 0; m < endpoints.size(); m++) {
      if ("leader".equals(mode(m))) {
        return m;
      }
    }
    return -1;
  }

  @Override
  public boolean healthy() {
    int leaders = 0;
    for (int m = 0; m < endpoints.size(); m++) {
      String mode = mode(m);
      if (mode == null || !(mode.equals("leader") || mode.equals("follower"))) {
        return false;
      }
      if (mode.equals("leader")) {
        leaders++;
      }
    }
    if (leaders != 1) {
      return false;
    }
    for (ZooKeeper zk : members) {
      if (!zk.getState().isConnected()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    for (ZooKeeper[] arr : List.of(conns, members)) {
      for (ZooKeeper zk : arr) {
        try {
          zk.close(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
