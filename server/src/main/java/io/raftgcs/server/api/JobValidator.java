package io.raftgcs.server.api;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.GetAllJobInfoRequest;
import io.raftgcs.proto.GetNextJobIDRequest;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.statemachine.Limits;
import java.nio.ByteBuffer;

/** Pure checks of job requests before anything is proposed; each failure names the field. */
public final class JobValidator {
  public static final int MAX_METADATA = 128;
  public static final int MAX_TEXT_BYTES = 64 * 1024;

  private JobValidator() {}

  public static void nextJobId(GetNextJobIDRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
  }

  /** Ray's JobID: 4 bytes, a big-endian positive counter value. */
  public static void jobId(String field, ByteString id) {
    if (id.size() != 4) {
      throw Errors.invalid(field + ": must be exactly 4 bytes (Ray's JobID), got " + id.size());
    }
    if (ByteBuffer.wrap(id.toByteArray()).getInt() <= 0) {
      throw Errors.invalid(field + ": must be a positive big-endian integer");
    }
  }

  public static void add(AddJobRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    if (r.getSerializedSize() > Limits.MAX_REQUEST_BYTES) {
      throw Errors.invalid("data: request of " + r.getSerializedSize() + " bytes exceeds the limit of "
          + Limits.MAX_REQUEST_BYTES);
    }
    if (!r.hasData()) {
      throw Errors.invalid("data: required");
    }
    JobTableData d = r.getData();
    jobId("data.job_id", d.getJobId());
    if (d.getDriverPid() < 0) {
      throw Errors.invalid("data.driver_pid: must not be negative");
    }
    if (d.getDriverAddress().getNodeId().size() > NodeValidator.MAX_ID_BYTES) {
      throw Errors.invalid("data.driver_address.node_id: longer than " + NodeValidator.MAX_ID_BYTES + " bytes");
    }
    NodeValidator.text("data.driver_ip_address", d.getDriverIpAddress());
    NodeValidator.text("data.config.ray_namespace", d.getConfig().getRayNamespace());
    if (d.getEntrypoint().length() > MAX_TEXT_BYTES) {
      throw Errors.invalid("data.entrypoint: longer than " + MAX_TEXT_BYTES + " characters");
    }
    if (d.getConfig().getMetadataCount() > MAX_METADATA) {
      throw Errors.invalid("data.config.metadata: more than " + MAX_METADATA + " entries");
    }
    d.getConfig().getMetadataMap().forEach((k, v) -> {
      NodeValidator.text("data.config.metadata key", k);
      if (v.length() > MAX_TEXT_BYTES) {
        throw Errors.invalid("data.config.metadata[" + k + "]: longer than " + MAX_TEXT_BYTES + " characters");
      }
    });
  }

  public static void markFinished(MarkJobFinishedRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    jobId("job_id", r.getJobId());
  }

  public static void getAll(GetAllJobInfoRequest r) {
    if (r.hasLimit() && r.getLimit() < 0) {
      throw Errors.invalid("limit: must not be negative (Ray: Invalid limit)");
    }
    NodeValidator.text("job_or_submission_id", r.getJobOrSubmissionId());
  }
}
