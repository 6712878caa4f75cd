package io.raftgcs.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KV entries under a prefix at one revision, sorted by key bytes.
 *
 * @param revision the revision the entries reflect; changes after it follow as events
 * @param entries key/value pairs, sorted by key (unsigned bytes)
 */
public record KvSnapshot(long revision, List<KeyValue> entries) {
  /** UTF-8 view: key to value, in key order. */
  public Map<String, String> utf8() {
    Map<String, String> m = new LinkedHashMap<>();
    entries.forEach(kv -> m.put(kv.keyUtf8(), kv.valueUtf8()));
    return m;
  }
}
