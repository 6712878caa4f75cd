package io.raftgcs.statemachine.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Reads persisted event batches in revision order. Any thread; stateless. */
public final class HistoryReader {
  private HistoryReader() {}

  /** Up to {@code max} batches with {@code from <= revision <= to}, in order. */
  public static List<EventBatch> read(GcsStore store, long from, long to, int max) {
    List<EventBatch> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.EVENTS, ro)) {
      for (it.seek(EventHistory.key(from)); it.isValid() && out.size() < max; it.next()) {
        if (EventHistory.revisionOf(it.key()) > to) {
          break;
        }
        out.add(EventBatch.parseFrom(it.value()));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt event history", e);
    }
    return out;
  }
}
