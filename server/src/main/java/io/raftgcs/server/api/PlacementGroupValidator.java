package io.raftgcs.server.api;

import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.RemovePlacementGroupRequest;

/** Pure checks of placement group requests before anything is proposed; each failure names the field. */
public final class PlacementGroupValidator {
  public static final int MAX_BUNDLES = 1024;

  private PlacementGroupValidator() {}

  public static void create(CreatePlacementGroupRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    if (!r.hasPlacementGroupSpec()) {
      throw Errors.invalid("placement_group_spec: required");
    }
    PlacementGroupSpec s = r.getPlacementGroupSpec();
    NodeValidator.nodeId("placement_group_spec.placement_group_id", s.getPlacementGroupId());
    if (s.getStrategy() == PlacementStrategy.UNRECOGNIZED) {
      throw Errors.invalid("placement_group_spec.strategy: unknown strategy " + s.getStrategyValue()
          + " (PACK, SPREAD, STRICT_PACK or STRICT_SPREAD)");
    }
    if (s.getBundlesCount() == 0) {
      throw Errors.invalid("placement_group_spec.bundles: must not be empty");
    }
    if (s.getBundlesCount() > MAX_BUNDLES) {
      throw Errors.invalid("placement_group_spec.bundles: more than " + MAX_BUNDLES + " bundles");
    }
    for (int i = 0; i < s.getBundlesCount(); i++) {
      Bundle b = s.getBundles(i);
      String field = "placement_group_spec.bundles[" + i + "].unit_resources";
      NodeValidator.resources(field, b.getUnitResourcesMap());
      if (b.getUnitResourcesMap().values().stream().noneMatch(v -> v > 0)) {
        throw Errors.invalid(field + ": a bundle must request a positive amount of at least one resource");
      }
      if (!b.getNodeId().isEmpty()) {
        throw Errors.invalid("placement_group_spec.bundles[" + i + "].node_id: set by the scheduler, must be empty");
      }
    }
    NodeValidator.text("placement_group_spec.name", s.getName());
    NodeValidator.text("placement_group_spec.ray_namespace", s.getRayNamespace());
    if (s.getName().contains("\u0000") || s.getRayNamespace().contains("\u0000")) {
      throw Errors.invalid("placement_group_spec.name: must not contain NUL");
    }
    if (s.getCreatorJobId().size() > NodeValidator.MAX_ID_BYTES) {
      throw Errors.invalid("placement_group_spec.creator_job_id: longer than " + NodeValidator.MAX_ID_BYTES + " bytes");
    }
    if (s.getCreatorActorId().size() > NodeValidator.MAX_ID_BYTES) {
      throw Errors.invalid("placement_group_spec.creator_actor_id: longer than " + NodeValidator.MAX_ID_BYTES
          + " bytes");
    }
    if (!s.getIsDetached() && s.getCreatorJobId().isEmpty()) {
      throw Errors.invalid("placement_group_spec.creator_job_id: required for a non-detached placement group");
    }
  }

  public static void remove(RemovePlacementGroupRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    NodeValidator.nodeId("placement_group_id", r.getPlacementGroupId());
  }
}
