package io.raftgcs.proof;

import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watch guarantees: the sequence a subscriber received across faults (resuming by itself) must equal
 * the committed sequence, as read at the end by a fresh subscription from revision 1, over the same
 * revision range: ordered, unique, gap-free, each revision's events whole and equal.
 */
public final class WatchChecker {
  /** One delivered revision; events rendered as "PUT key=value" / "DELETE key". */
  public record Batch(long revision, List<String> events) {
    public static Batch of(EventBatch b) {
      List<String> ev = new ArrayList<>();
      for (Event e : b.getEventsList()) {
        String k = e.getKey().toString(StandardCharsets.UTF_8);
        ev.add(e.getKind() == EventKind.DELETE ? "DELETE " + k
            : e.getKind() + " " + k + "=" + e.getValue().toString(StandardCharsets.UTF_8));
      }
      return new Batch(b.getRevision(), List.copyOf(ev));
    }

    public String toJson() {
      StringBuilder s = new StringBuilder("{\"revision\":").append(revision).append(",\"events\":[");
      for (int i = 0; i < events.size(); i++) {
        s.append(i == 0 ? "" : ",").append(Json.str(events.get(i)));
      }
      return s.append("]}").toString();
    }
  }

  public record Result(int anomalies, List<String> details) {}

  private WatchChecker() {}

  /**
   * @param live what the long-lived subscriber received (started from revision {@code from})
   * @param committed the fresh subscription's batches from revision 1
   * @param from first revision the live subscriber asked for
   * @param upTo last revision both cover
   */
  public static Result check(List<Batch> live, List<Batch> committed, long from, long upTo) {
    List<String> details = new ArrayList<>();
    int anomalies = 0;
    anomalies += order(live, "live", details);
    anomalies += order(committed, "committed", details);
    Map<Long, Batch> liveByRev = new HashMap<>();
    for (Batch b : live) {
      liveByRev.putIfAbsent(b.revision(), b);
    }
    Set<Long> committedRevs = new HashSet<>();
    for (Batch c : committed) {
      committedRevs.add(c.revision());
      if (c.revision() < from || c.revision() > upTo) {
        continue;
      }
      Batch l = liveByRev.get(c.revision());
      if (l == null) {
        anomalies++;
        note(details, "gap: revision " + c.revision() + " committed " + c.events() + " was never delivered to the live subscriber");
      } else if (!l.events().equals(c.events())) {
        anomalies++;
        note(details, "revision " + c.revision() + " delivered " + l.events() + " but committed " + c.events());
      }
    }
    for (Batch l : live) {
      if (l.revision() >= from && l.revision() <= upTo && !committedRevs.contains(l.revision())) {
        anomalies++;
        note(details, "phantom: revision " + l.revision() + " " + l.events() + " delivered but not in the committed sequence");
      }
    }
    return new Result(anomalies, details);
  }

  private static int order(List<Batch> s, String name, List<String> details) {
    int bad = 0;
    long prev = Long.MIN_VALUE;
    for (Batch b : s) {
      if (b.revision() == prev) {
        bad++;
        note(details, name + ": duplicate revision " + b.revision());
      } else if (b.revision() < prev) {
        bad++;
        note(details, name + ": revision " + b.revision() + " after " + prev + " (reordered)");
      }
      prev = Math.max(prev, b.revision());
    }
    return bad;
  }

  /**
   * Acknowledged writes on watched keys whose value never appears in the committed event stream
   * (each is a lost write), and committed values no client ever wrote (phantoms, as details).
   */
  public static List<String> ackedWritesMissing(List<Op> history, List<Batch> committed, String prefix) {
    Set<String> seen = new HashSet<>();
    for (Batch b : committed) {
      for (String e : b.events()) {
        if (e.startsWith("PUT ")) {
          seen.add(e.substring(4));
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (Op op : history) {
      if (op.outcome() == Op.Outcome.OK && op.key().startsWith(prefix)
          && (op.type() == Op.Type.PUT || (op.type() == Op.Type.PUT_IF_ABSENT && op.flag()))
          && !seen.contains(op.key() + "=" + op.value())) {
        missing.add(op.toString());
      }
    }
    return missing;
  }

  /** Committed PUT values that no recorded operation wrote. */
  public static List<String> phantomValues(List<Op> history, List<Batch> committed) {
    Set<String> written = new HashSet<>();
    for (Op op : history) {
      if (op.isWrite() && op.value() != null) {
        written.add(op.key() + "=" + op.value());
      }
    }
    List<String> out = new ArrayList<>();
    for (Batch b : committed) {
      for (String e : b.events()) {
        if (e.startsWith("PUT ") && !written.contains(e.substring(4))) {
          out.add("revision " + b.revision() + ": " + e);
        }
      }
    }
    return out;
  }

  private static void note(List<String> details, String s) {
    if (details.size() < 50) {
      details.add(s);
    }
  }
}
