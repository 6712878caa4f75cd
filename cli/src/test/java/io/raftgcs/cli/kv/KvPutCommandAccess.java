package io.raftgcs.cli.kv;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Test access to a parsed {@link KvPutCommand}. */
public final class KvPutCommandAccess {
  private KvPutCommandAccess() {}

  public static byte[] value(Object cmd, byte[] stdin) throws IOException {
    KvPutCommand put = (KvPutCommand) cmd;
    put.stdin = new ByteArrayInputStream(stdin);
    return put.valueBytes();
  }

  public static String namespace(Object cmd) {
    return ((KvPutCommand) cmd).ns.namespace;
  }

  public static boolean noOverwrite(Object cmd) {
    return ((KvPutCommand) cmd).noOverwrite;
  }
}
