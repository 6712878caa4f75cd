package io.raftgcs.server.pubsub;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which subscribers want which keys, so that routing one applied batch costs a few hash lookups per event
 * instead of one filter test per subscriber: 5,000 node agents each watching their own assignments are
 * touched only when something is assigned to them.
 *
 * <p>Subscribers are grouped by (channel, namespace); inside a group, exact-key subscribers by key and
 * prefix subscribers by prefix, with the set of distinct prefix lengths so an event key is looked up once
 * per length. Threads: only the bus's dispatcher thread, so nothing here is synchronized. Soft state.
 */
final class InterestIndex {
  private record GroupKey(Channel channel, String namespace) {}

  private static final class Group {
    final Map<ByteString, Set<Subscriber>> exact = new HashMap<>();
    final Map<ByteString, Set<Subscriber>> prefixes = new HashMap<>();
    /** Distinct prefix lengths in use, with how many prefixes have each. */
    final TreeMap<Integer, Integer> lengths = new TreeMap<>();

    boolean isEmpty() {
      return exact.isEmpty() && prefixes.isEmpty();
    }
  }

  private final Map<GroupKey, Group> groups = new HashMap<>();
  private int size;

  void add(Subscriber s) {
    EventFilter f = s.filter();
    Group g = groups.computeIfAbsent(new GroupKey(f.channel(), f.namespace()), k -> new Group());
    if (!f.key().isEmpty()) {
      g.exact.computeIfAbsent(f.key(), k -> new LinkedHashSet<>()).add(s);
    } else {
      Set<Subscriber> set = g.prefixes.computeIfAbsent(f.prefix(), k -> new LinkedHashSet<>());
      if (set.isEmpty()) {
        g.lengths.merge(f.prefix().size(), 1, Integer::sum);
      }
      set.add(s);
    }
    size++;
  }

  void remove(Subscriber s) {
    EventFilter f = s.filter();
    GroupKey gk = new GroupKey(f.channel(), f.namespace());
    Group g = groups.get(gk);
    if (g == null) {
      return;
    }
    boolean removed;
    if (!f.key().isEmpty()) {
      removed = removeFrom(g.exact, f.key(), s);
    } else {
      removed = removeFrom(g.prefixes, f.prefix(), s);
      if (removed && !g.prefixes.containsKey(f.prefix())) {
        g.lengths.computeIfPresent(f.prefix().size(), (k, n) -> n == 1 ? null : n - 1);
      }
    }
    if (removed) {
      size--;
    }
    if (g.isEmpty()) {
      groups.remove(gk);
    }
  }

  private static boolean removeFrom(Map<ByteString, Set<Subscriber>> m, ByteString k, Subscriber s) {
    Set<Subscriber> set = m.get(k);
    if (set == null || !set.remove(s)) {
      return false;
    }
    if (set.isEmpty()) {
      m.remove(k);
    }
    return true;
  }

  int size() {
    return size;
  }

  /**
   * The subscribers this batch concerns, each with its part of the batch (the events it matches, in the
   * batch's order; the batch itself when it matches all of them).
   */
  Map<Subscriber, EventBatch> route(EventBatch b) {
    Map<Subscriber, List<Event>> hits = new IdentityHashMap<>();
    for (Event e : b.getEventsList()) {
      Group g = groups.get(new GroupKey(e.getChannel(), e.getNamespace()));
      if (g == null) {
        continue;
      }
      ByteString key = e.getKey();
      collect(hits, g.exact.get(key), e);
      for (int len : g.lengths.keySet()) {
        if (len > key.size()) {
          break;
        }
        collect(hits, g.prefixes.get(len == key.size() ? key : key.substring(0, len)), e);
      }
    }
    Map<Subscriber, EventBatch> out = new IdentityHashMap<>(hits.size() * 2);
    int all = b.getEventsCount();
    for (Map.Entry<Subscriber, List<Event>> h : hits.entrySet()) {
      List<Event> mine = h.getValue();
      out.put(h.getKey(), mine.size() == all ? b
          : EventBatch.newBuilder().setRevision(b.getRevision()).addAllEvents(mine).build());
    }
    return out;
  }

  private static void collect(Map<Subscriber, List<Event>> hits, Set<Subscriber> subs, Event e) {
    if (subs == null) {
      return;
    }
    for (Subscriber s : subs) {
      hits.computeIfAbsent(s, k -> new ArrayList<>(2)).add(e);
    }
  }
}
