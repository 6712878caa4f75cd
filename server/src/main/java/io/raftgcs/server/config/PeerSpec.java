package io.raftgcs.server.config;

import java.util.ArrayList;
import java.util.List;

/** One member of the quorum as given on the command line: {@code id=host:raftPort:apiPort}. */
public record PeerSpec(String id, String host, int raftPort, int apiPort) {
  public String raftAddress() {
    return host + ":" + raftPort;
  }

  public String apiAddress() {
    return host + ":" + apiPort;
  }

  public static PeerSpec parse(String spec) {
    String s = spec.trim();
    int eq = s.indexOf('=');
    String[] hp = eq < 0 ? new String[0] : s.substring(eq + 1).split(":");
    if (eq <= 0 || hp.length != 3) {
      throw new IllegalArgumentException("peer '" + spec + "' must look like id=host:raftPort:apiPort");
    }
    String id = s.substring(0, eq);
    if (!id.matches("[A-Za-z0-9_.\\-]{1,64}")) {
      throw new IllegalArgumentException("peer id '" + id + "' must be 1-64 chars of [A-Za-z0-9_.-]");
    }
    return new PeerSpec(id, hp[0], port(hp[1], spec), port(hp[2], spec));
  }

  public static List<PeerSpec> parseList(String list) {
    List<PeerSpec> out = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) {
        out.add(parse(p));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--peers lists no peer");
    }
    return out;
  }

  public static String format(List<PeerSpec> peers) {
    StringBuilder b = new StringBuilder();
    for (PeerSpec p : peers) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(p.id()).append('=').append(p.host()).append(':').append(p.raftPort()).append(':').append(p.apiPort());
    }
    return b.toString();
  }

  private static int port(String s, String spec) {
    try {
      int p = Integer.parseInt(s);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port '" + s + "' in peer '" + spec + "'");
    }
  }
}
