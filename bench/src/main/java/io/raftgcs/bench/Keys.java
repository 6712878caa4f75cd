package io.raftgcs.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Keys and values of every workload: 8-byte decimal keys out of 100,000; 256-byte values. */
public final class Keys {
  public static final int KEY_SPACE = 100_000;
  public static final int VALUE_BYTES = 256;

  private Keys() {}

  /** The 8-byte key of number {@code n}: "k" + 7 digits. */
  public static byte[] key(int n) {
    return String.format("k%07d", n).getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] randomKey(int space) {
    return key(ThreadLocalRandom.current().nextInt(space));
  }

  /** 256 random bytes. */
  public static byte[] value() {
    byte[] v = new byte[VALUE_BYTES];
    ThreadLocalRandom.current().nextBytes(v);
    return v;
  }

  /** A 256-byte value whose first 8 bytes carry {@code System.nanoTime()} (watch latency). */
  public static byte[] stampedValue() {
    byte[] v = value();
    ByteBuffer.wrap(v).putLong(System.nanoTime());
    return v;
  }

  public static long stamp(byte[] value) {
    return value.length >= 8 ? ByteBuffer.wrap(value).getLong() : 0;
  }
}
