package io.raftgcs.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy on loopback sockets: replica "b" behind the proxy, "a" and "c" dialling it. */
class LinkProxyTest {
  private final Links links = new Links();
  private final Map<Integer, String> byClientPort = new ConcurrentHashMap<>();
  private ServerSocket backend;
  private LinkProxy proxy;

  @BeforeEach
  void start() throws IOException {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    proxy = new LinkProxy("b", 0, backend.getLocalPort(), links, s -> byClientPort.get(s.getPort())).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    links.close();
    backend.close();
  }

  /** A connection from {@code who} through the proxy: [client end, backend end]. */
  private Socket[] dial(String who) throws IOException {
    Socket c = new Socket();
    c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    byClientPort.put(c.getLocalPort(), who);
    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2000);
    Socket server = backend.accept();
    c.setSoTimeout(300);
    server.setSoTimeout(300);
    return new Socket[] {c, server};
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  /** Reads exactly {@code text.length()} bytes within the socket timeout, or null if nothing arrives. */
  private static String recv(Socket s, int len) throws IOException {
    byte[] b = new byte[len];
    InputStream in = s.getInputStream();
    int got = 0;
    try {
      while (got < len) {
        int n = in.read(b, got, len - got);
        if (n < 0) {
          throw new IOException("closed");
        }
        got += n;
      }
    } catch (SocketTimeoutException e) {
      return got == 0 ? null : new String(b, 0, got, StandardCharsets.UTF_8);
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void forwardsBothWaysWhileHealthy() throws IOException {
    Socket[] ab = dial("a");
    send(ab[0], "ping");
    assertEquals("ping", recv(ab[1], 4));
    send(ab[1], "pong");
    assertEquals("pong", recv(ab[0], 4));
  }

  @Test
  void cutBothWaysStallsThenHealDeliversInOrder() throws IOException {
    Socket[] ab = dial("a");
    Socket[] cb = dial("c");
    links.isolate("b", List.of("a"));
    send(ab[0], "a1");
    send(ab[1], "b1");
    assertEquals(null, recv(ab[1], 2), "a -> b is cut");
    assertEquals(null, recv(ab[0], 2), "b -> a is cut");
    // c is not partitioned from b
    send(cb[0], "c1");
    assertEquals("c1", recv(cb[1], 2));
    send(cb[1], "b2");
    assertEquals("b2", recv(cb[0], 2));
    // a connection opened during the cut is accepted but carries nothing
    Socket[] ab2 = dial("a");
    send(ab2[0], "new");
    assertEquals(null, recv(ab2[1], 3));
    send(ab[0], "a2");
    links.heal();
    ab[1].setSoTimeout(2000);
    ab[0].setSoTimeout(2000);
    ab2[1].setSoTimeout(2000);
    assertEquals("a1a2", recv(ab[1], 4));
    assertEquals("b1", recv(ab[0], 2));
    assertEquals("new", recv(ab2[1], 3));
  }

  @Test
  void oneWayCutDropsOnlyThatDirection() throws IOException {
    Socket[] ab = dial("a");
    links.cut("a", "b"); // b hears nothing from a; a still hears b
    send(ab[0], "up");
    assertEquals(null, recv(ab[1], 2));
    send(ab[1], "down");
    assertEquals("down", recv(ab[0], 4));
    links.heal();
    ab[1].setSoTimeout(2000);
    assertEquals("up", recv(ab[1], 2));

    links.cut("b", "a"); // now the other way round
    send(ab[1], "d2");
    assertEquals(null, recv(ab[0], 2));
    send(ab[0], "u2");
    assertEquals("u2", recv(ab[1], 2));
    links.heal();
    ab[0].setSoTimeout(2000);
    assertEquals("d2", recv(ab[0], 2));
  }

  @Test
  void unattributedConnectionsAreCountedAndNeverCut() throws IOException {
    Socket c = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    Socket s = backend.accept();
    c.setSoTimeout(2000);
    s.setSoTimeout(2000);
    links.isolate("b", List.of("a", "c"));
    send(c, "x");
    assertEquals("x", recv(s, 1));
    assertEquals(1, proxy.unattributed());
    c.close();
  }

  @Test
  void procSocketsFindsTheProcessThatDialled() throws IOException {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux /proc only");
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
        Socket accepted = ss.accept()) {
      long me = ProcessHandle.current().pid();
      assertEquals(me, ProcSockets.clientPid(accepted.getPort(), accepted.getLocalPort(), List.of(1L, me)));
      assertEquals(-1, ProcSockets.clientPid(accepted.getPort(), accepted.getLocalPort(), List.of(1L)));
      assertTrue(c.isConnected());
    }
  }
}
