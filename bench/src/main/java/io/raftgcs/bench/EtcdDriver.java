package io.raftgcs.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * etcd through jetcd: 16 clients (one gRPC connection each), client i pinned to member i mod 3;
 * followers forward proposals to the leader, as in etcd's own benchmark tool.
 */
public final class EtcdDriver implements Driver {
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();
  private final List<String> endpoints;
  private final Client[] conns = new Client[Workloads.CONNECTIONS];
  private final KV[] kvs = new KV[Workloads.CONNECTIONS];
  private final Client[] members;

  public EtcdDriver(List<String> endpoints) {
    this.endpoints = endpoints;
    members = new Client[endpoints.size()];
    for (int m = 0; m < endpoints.size(); m++) {
      members[m] = client(endpoints.get(m));
    }
    for (int c = 0; c < Workloads.CONNECTIONS; c++) {
      conns[c] = client(endpoints.get(c % endpoints.size()));
      kvs[c] = conns[c].getKVClient();
    }
  }

  private static Client client(String endpoint) {
    return Client.builder().endpoints("http://" + endpoint).build();
  }

  @Override
  public String name() {
    return "etcd";
  }

  private static ByteSequence bs(byte[] b) {
    return ByteSequence.from(b);
  }

  @Override
  public CompletableFuture<?> put(int conn, byte[] key, byte[] value) {
    return kvs[conn].put(bs(key), bs(value));
  }

  @Override
  public CompletableFuture<?> get(int conn, byte[] key, boolean linearizable) {
    return linearizable ? kvs[conn].get(bs(key)) : kvs[conn].get(bs(key), SERIALIZABLE);
  }

  @Override
  public String linearizableGetNote() {
    return "default Range";
  }

  @Override
  public AutoCloseable watch(int conn, byte[] key, Consumer<byte[]> onValue) {
    Watch.Watcher w = conns[conn].getWatchClient().watch(bs(key), resp -> {
      for (WatchEvent e : resp.getEvents()) {
        if (e.getEventType() == WatchEvent.EventType.PUT) {
          onValue.accept(e.getKeyValue().getValue().getBytes());
        }
      }
    });
    return w::close;
  }

  @Override
  public CompletableFuture<?> probePut(int member, byte[] key, byte[] value) {
    return members[member].getKVClient().put(bs(key), bs(value)).orTimeout(2, TimeUnit.SECONDS);
  }

  private StatusResponse status(int m) {
    try {
      return members[m].getMaintenanceClient().statusMember("http://" + endpoints.get(m))
          .get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public int leaderIndex() {
    for (int m = 0; m < members.length; m++) {
      StatusResponse s = status(m);
      if (s != null && s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
        return m;
      }
    }
    return -1;
  }

  @Override
  public boolean healthy() {
    long leader = -1;
    long maxIndex = 0;
    long minIndex = Long.MAX_VALUE;
    for (int m = 0; m < members.length; m++) {
      StatusResponse s = status(m);
      if (s == null || s.getLeader() == 0) {
        return false;
      }
      if (leader != -1 && leader != s.getLeader()) {
        return false;
      }
      leader = s.getLeader();
      maxIndex = Math.max(maxIndex, s.getRaftIndex());
      minIndex = Math.min(minIndex, s.getRaftIndex());
    }
    return maxIndex - minIndex <= 10;
  }

  @Override
  public void close() {
    for (Client c : conns) {
      c.close();
    }
    for (Client c : members) {
      c.close();
    }
  }
}
