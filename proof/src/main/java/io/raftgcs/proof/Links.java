package io.raftgcs.proof;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The directed links between replicas that are cut, shared by every {@link LinkProxy} of a cluster.
 * A cut link {@code a -> b} stops every byte that flows from {@code a} to {@code b}, on connections
 * either of them opened; bytes already in flight wait (in the proxy and in TCP buffers) until the link
 * heals, as TCP retransmission would deliver them after a partition that did not outlast the connection.
 */
public final class Links {
  private final Set<String> cut = new TreeSet<>();
  private boolean closed;

  public synchronized void cut(String from, String to) {
    cut.add(from + ">" + to);
  }

  /** Cuts {@code a} from every one of {@code others}, both ways. */
  public synchronized void isolate(String a, List<String> others) {
    for (String o : others) {
      cut(a, o);
      cut(o, a);
    }
  }

  /** Heals every link. */
  public synchronized void heal() {
    cut.clear();
    notifyAll();
  }

  /** Unknown ends ({@code null}) are never cut: the proxy could not tell who they are. */
  public synchronized boolean isCut(String from, String to) {
    return from != null && to != null && cut.contains(from + ">" + to);
  }

  /** Blocks while {@code from -> to} is cut; false once {@link #close} was called. */
  synchronized boolean awaitOpen(String from, String to) throws InterruptedException {
    while (!closed && isCut(from, to)) {
      wait(500);
    }
    return !closed;
  }

  public synchronized List<String> describe() {
    return Collections.unmodifiableList(new ArrayList<>(cut));
  }

  /** Releases every waiting pump (the proxies are closing). */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
