package io.raftgcs.proof;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-per-connection TCP forwarder in front of one replica's Raft port: it listens on the address
 * the replica advertises to its peers and forwards to the port the replica really listens on
 * ({@code gcs-server --raft-listen-port}). Each accepted connection is attributed to the replica that
 * opened it ({@link Sources}); bytes from that replica to this one ("upstream") and back ("downstream")
 * are forwarded only while {@link Links} says the directed link is not cut. A cut link is a stall, never a
 * loss inside a connection: the pump stops reading, so TCP back-pressure holds the sender, and what was
 * held is delivered in order when the link heals (gRPC may give up on the connection first and open a new
 * one, which is attributed and stalled the same way).
 */
public final class LinkProxy implements AutoCloseable {
  /** Who opened an accepted connection: a replica id, or null when it cannot be told. */
  public interface Sources {
    String of(Socket accepted);
  }

  private static final int BUF = 64 * 1024;

  private final String dst;
  private final int listenPort;
  private final InetSocketAddress target;
  private final Links links;
  private final Sources sources;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong unattributed = new AtomicLong();
  private volatile ServerSocket server;
  private volatile boolean closed;

  public LinkProxy(String dst, int listenPort, int targetPort, Links links, Sources sources) {
    this.dst = dst;
    this.listenPort = listenPort;
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.links = links;
    this.sources = sources;
  }

  public LinkProxy start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 64);
    server = s;
    Thread t = new Thread(this::acceptLoop, "proxy-accept-" + dst);
    t.setDaemon(true);
    t.start();
    return this;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far, and how many of them could not be attributed to a replica. */
  public String stats() {
    return dst + ": accepted=" + accepted.get() + " unattributed=" + unattributed.get();
  }

  public long unattributed() {
    return unattributed.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket c;
      try {
        c = server.accept();
      } catch (IOException e) {
        if (!closed) {
          sleepQuietly(50);
        }
        continue;
      }
      accepted.incrementAndGet();
      open.add(c);
      Thread t = new Thread(() -> connect(c), "proxy-conn-" + dst);
      t.setDaemon(true);
      t.start();
    }
  }

  private void connect(Socket client) {
    String src = null;
    try {
      src = sources.of(client);
    } catch (RuntimeException e) {
      // unattributed
    }
    if (src == null) {
      unattributed.incrementAndGet();
    }
    Socket up = new Socket();
    try {
      open.add(up);
      client.setTcpNoDelay(true);
      up.setTcpNoDelay(true);
      up.connect(target, 2000);
    } catch (IOException e) {
      closeBoth(client, up);
      return;
    }
    if (closed) {
      closeBoth(client, up);
      return;
    }
    String from = src;
    Thread down = new Thread(() -> pump(dst, from, up, client), "proxy-" + dst + ">" + from);
    down.setDaemon(true);
    down.start();
    pump(from, dst, client, up);
  }

  /** Copies {@code in -> out} for the directed link {@code from -> to}, stalling while it is cut. */
  private void pump(String from, String to, Socket in, Socket out) {
    byte[] buf = new byte[BUF];
    try {
      InputStream is = in.getInputStream();
      OutputStream os = out.getOutputStream();
      while (!closed) {
        if (!links.awaitOpen(from, to)) {
          break;
        }
        int n = is.read(buf);
        if (n < 0) {
          break;
        }
        // the link may have been cut while we waited in read: hold what we read until it heals
        if (!links.awaitOpen(from, to)) {
          break;
        }
        os.write(buf, 0, n);
      }
    } catch (IOException e) {
      // peer closed or reset: end both halves
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeBoth(in, out);
    }
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
      open.remove(s);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops accepting and closes every forwarded connection. */
  @Override
  public void close() {
    closed = true;
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    open.clear();
  }
}
