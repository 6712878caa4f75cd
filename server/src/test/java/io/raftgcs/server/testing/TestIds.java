package io.raftgcs.server.testing;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Readable ids for tests. */
public final class TestIds {
  private TestIds() {}

  /**
   * A node id of Ray's size (28 bytes): the name, then zero bytes, so {@code toStringUtf8().trim()}
   * gives the name back.
   */
  public static ByteString nodeId(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (b.length > 28) {
      throw new IllegalArgumentException("node name longer than 28 bytes: " + name);
    }
    return ByteString.copyFrom(Arrays.copyOf(b, 28));
  }
}
