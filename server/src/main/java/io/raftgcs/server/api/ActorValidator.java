package io.raftgcs.server.api;

import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.SchedulingStrategy;

/** Pure checks of actor and worker requests; each failure names the field. */
public final class ActorValidator {
  private ActorValidator() {}

  public static void register(RegisterActorRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    if (!r.hasSpec()) {
      throw Errors.invalid("spec: required");
    }
    ActorTableData s = r.getSpec();
    NodeValidator.nodeId("spec.actor_id", s.getActorId());
    if (s.getJobId().size() > NodeValidator.MAX_ID_BYTES) {
      throw Errors.invalid("spec.job_id: longer than " + NodeValidator.MAX_ID_BYTES + " bytes");
    }
    NodeValidator.text("spec.name", s.getName());
    NodeValidator.text("spec.ray_namespace", s.getRayNamespace());
    NodeValidator.text("spec.class_name", s.getClassName());
    if (s.getName().contains("\u0000") || s.getRayNamespace().contains("\u0000")) {
      throw Errors.invalid("spec.name: must not contain NUL");
    }
    if (s.getMaxRestarts() < -1) {
      throw Errors.invalid("spec.max_restarts: must be -1 (infinite) or >= 0");
    }
    NodeValidator.resources("spec.required_resources", s.getRequiredResourcesMap());
    SchedulingStrategy st = s.getSchedulingStrategy();
    if (st.getKind() == SchedulingStrategy.Kind.NODE_AFFINITY) {
      NodeValidator.nodeId("spec.scheduling_strategy.node_affinity.node_id", st.getNodeAffinity().getNodeId());
    }
    if (st.getKind() == SchedulingStrategy.Kind.PLACEMENT_GROUP) {
      NodeValidator.nodeId("spec.scheduling_strategy.placement_group_id", st.getPlacementGroupId());
      if (st.getBundleIndex() < -1) {
        throw Errors.invalid("spec.scheduling_strategy.bundle_index: must be -1 (any bundle) or >= 0");
      }
    }
    if (st.getKind() == SchedulingStrategy.Kind.UNRECOGNIZED) {
      throw Errors.invalid("spec.scheduling_strategy.kind: unknown strategy");
    }
  }
}
