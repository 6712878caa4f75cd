package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.BundlePlacement;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.PlacePlacementGroups;
import io.raftgcs.proto.PlacementGroupPlacement;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.server.config.SchedulerConfig;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.StateMachineListener;
import io.raftgcs.statemachine.table.NodeReader;
import io.raftgcs.statemachine.table.PgLifecycle;
import io.raftgcs.statemachine.table.PlacementGroupReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's placement-group scheduler. A round reads the applied tables, decides every PENDING or
 * RESCHEDULING group with {@link BundlePolicy} (RESCHEDULING first, then oldest first) and proposes the
 * decisions as ONE {@link PlacePlacementGroups} command; apply re-checks every group as a whole and commits
 * all of its bundles or none, so a decision made on a stale view (or by a deposed leader) changes nothing.
 * Infeasible groups simply stay pending: any change on the node, actor (capacity freed) or placement-group
 * channel triggers the next round, and a slow periodic round catches the rest. One round in flight at a time.
 *
 * <p>Threads: rounds on its own single thread; wake-ups from the apply thread. Soft state, rebuilt on start.
 */
public final class PlacementGroupScheduler implements LeaderService, StateMachineListener {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementGroupScheduler.class);

  private final GcsStateMachine stateMachine;
  private final WritePath writes;
  private final SchedulerConfig cfg;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicBoolean queued = new AtomicBoolean();
  /** Whether the last round saw groups waiting (only then do node and actor changes matter). */
  private volatile boolean hadWork = true;
  private volatile ScheduledExecutorService thread;

  public PlacementGroupScheduler(GcsStateMachine stateMachine, WritePath writes, SchedulerConfig cfg) {
    this.stateMachine = stateMachine;
    this.writes = writes;
    this.cfg = cfg;
  }

  @Override
  public synchronized void start() {
    inFlight.set(false);
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pg-scheduler");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::safeRound, 0, cfg.periodMs(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  @Override
  public void onApplied(long index, EventBatch events) {
    if (thread == null) {
      return;
    }
    for (Event e : events.getEventsList()) {
      Channel c = e.getChannel();
      // Group changes can always create work; node and actor changes matter only to waiting groups.
      if (c == Channel.PLACEMENT_GROUP || (hadWork && (c == Channel.NODE || c == Channel.ACTOR))) {
        dirty.set(true);
        kick();
        return;
      }
    }
  }

  /** Queues one round; wake-ups that arrive while one is queued coalesce into it. */
  private void kick() {
    ScheduledExecutorService t = thread;
    if (t != null && queued.compareAndSet(false, true)) {
      try {
        t.execute(() -> {
          queued.set(false);
          safeRound();
        });
      } catch (RejectedExecutionException ignored) {
        queued.set(false);
      }
    }
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.warn("placement group scheduling round failed: {}", e.toString());
      inFlight.set(false);
    }
  }

  /** One scheduling pass; public so tests can drive it. */
  public void round() {
    if (!inFlight.compareAndSet(false, true)) {
      dirty.set(true);
      return;
    }
    dirty.set(false);
    record View(List<GcsNodeInfo> nodes, Map<ByteString, Map<String, Double>> used, List<PlacementGroupTableData> groups) {}
    View v = stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions().setSnapshot(store.snapshot())) {
        try {
          return new View(NodeReader.all(store, ro), NodeReader.allocations(store, ro),
              PlacementGroupReader.all(store, ro));
        } finally {
          store.releaseSnapshot(ro.snapshot());
        }
      }
    });
    List<PlacementGroupTableData> waiting = new ArrayList<>(v.groups().stream().filter(PgLifecycle::awaitingPlacement)
        .toList());
    hadWork = !waiting.isEmpty();
    // Rescheduling groups first (Ray's rank 0), then the oldest.
    waiting.sort(Comparator.comparingInt((PlacementGroupTableData g) ->
        g.getState() == PlacementGroupState.RESCHEDULING ? 0 : 1).thenComparingLong(PlacementGroupTableData::getCreateRevision));
    BundlePolicy policy = new BundlePolicy(v.nodes(), v.used());
    PlacePlacementGroups.Builder cmd = PlacePlacementGroups.newBuilder();
    for (PlacementGroupTableData g : waiting) {
      if (cmd.getPlacementsCount() >= cfg.maxBatch()) {
        dirty.set(true);
        break;
      }
      Optional<Map<Integer, ByteString>> d = policy.decide(g);
      if (d.isPresent()) {
        PlacementGroupPlacement.Builder p = PlacementGroupPlacement.newBuilder()
            .setPlacementGroupId(g.getPlacementGroupId());
        d.get().forEach((i, node) -> p.addBundles(BundlePlacement.newBuilder().setBundleIndex(i).setNodeId(node)));
        cmd.addPlacements(p);
      }
    }
    if (cmd.getPlacementsCount() == 0) {
      inFlight.set(false);
      return;
    }
    writes.submit(null, Command.newBuilder().setPlacePlacementGroups(cmd)).whenComplete((r, e) -> {
      if (e != null) {
        LOG.debug("placement group proposal failed: {}", e.toString());
      }
      inFlight.set(false);
      if (dirty.get()) {
        kick();
      }
    });
  }
}
