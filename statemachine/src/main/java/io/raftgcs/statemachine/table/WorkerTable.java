package io.raftgcs.statemachine.table;

import io.raftgcs.proto.Channel;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker table: workers and drivers, alive or dead (published on the WORKER channel). A worker's
 * death is recorded here and then cascades to its actors ({@link ActorTable#workerDied}).
 * Replicated rows; apply thread only.
 */
public final class WorkerTable implements NodeTable.DeathListener {
  private final ActorTable actors;

  public WorkerTable(ActorTable actors) {
    this.actors = actors;
  }

  static void upsert(Txn txn, WorkerTableData w) {
    byte[] key = w.getWorkerAddress().getWorkerId().toByteArray();
    byte[] bytes = w.toBuilder().setModRevision(txn.revision()).build().toByteArray();
    txn.put(Cf.WORKERS, key, bytes);
    txn.emit(Channel.WORKER, "", key, EventKind.PUT, bytes);
  }

  public void add(Txn txn, WorkerTableData w) {
    upsert(txn, w.toBuilder().setIsAlive(true).setStartTimeMs(w.getStartTimeMs() > 0 ? w.getStartTimeMs()
        : txn.leaderTimeMs()).build());
  }

  /** Records the failure (idempotent for an already dead worker) and cascades to its actors. */
  public void failed(Txn txn, WorkerTableData report) {
    byte[] key = report.getWorkerAddress().getWorkerId().toByteArray();
    byte[] old = txn.get(Cf.WORKERS, key);
    WorkerTableData base = old == null ? report : Rows.parse(WorkerTableData.parser(), old);
    if (old != null && !base.getIsAlive()) {
      return;
    }
    WorkerTableData dead = base.toBuilder().setIsAlive(false).setExitType(report.getExitType())
        .setExitDetail(report.getExitDetail()).setCreationTaskException(report.getCreationTaskException())
        .setEndTimeMs(txn.leaderTimeMs()).build();
    upsert(txn, dead);
    actors.workerDied(txn, dead);
  }

  @Override
  public void onNodeDead(Txn txn, GcsNodeInfo node) {
    List<WorkerTableData> onNode = new ArrayList<>();
    txn.scanPrefix(Cf.WORKERS, new byte[0], (k, v) -> {
      WorkerTableData w = Rows.parse(WorkerTableData.parser(), v);
      if (w.getIsAlive() && w.getWorkerAddress().getNodeId().equals(node.getNodeId())) {
        onNode.add(w);
      }
    });
    for (WorkerTableData w : onNode) {
      upsert(txn, w.toBuilder().setIsAlive(false).setExitType(io.raftgcs.proto.WorkerExitType.SYSTEM_ERROR)
          .setExitDetail("the node has died").setEndTimeMs(txn.leaderTimeMs()).build());
    }
  }
}
