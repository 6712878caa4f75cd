package io.raftgcs.client;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Node ids: opaque bytes (Ray uses 28), shown as lowercase hex. */
public final class NodeIds {
  /** Length of the ids this client generates, as Ray's NodeID. */
  public static final int LENGTH = 28;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private NodeIds() {}

  /** A fresh random 28-byte id. */
  public static byte[] random() {
    byte[] id = new byte[LENGTH];
    RANDOM.nextBytes(id);
    return id;
  }

  public static String hex(byte[] id) {
    return HEX.formatHex(id);
  }

  public static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  /** Parses hex (either case); throws IllegalArgumentException if it is not an even-length hex. */
  public static byte[] fromHex(String hex) {
    String h = hex.trim();
    if (h.startsWith("0x") || h.startsWith("0X")) {
      h = h.substring(2);
    }
    if (h.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex node id: " + hex);
    }
  }
}
