package io.raftgcs.statemachine.table;

import io.raftgcs.proto.GetAllJobInfoReply;
import io.raftgcs.proto.GetAllJobInfoRequest;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Read side of the job table, against one consistent store snapshot. Any thread; stateless. */
public final class JobReader {
  public static final String SUBMISSION_ID_KEY = "job_submission_id";

  private JobReader() {}

  /** Every job, in job-id order (the 4-byte big-endian ids sort numerically). */
  public static List<JobTableData> all(GcsStore store, ReadOptions ro) {
    List<JobTableData> out = new ArrayList<>();
    try (RocksIterator it = store.iterator(Cf.JOBS, ro)) {
      for (it.seek(new byte[] {JobTable.ROW_PREFIX}); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length == 0 || k[0] != JobTable.ROW_PREFIX) {
          break;
        }
        out.add(Rows.parse(JobTableData.parser(), it.value()));
      }
    }
    return out;
  }

  static boolean matches(JobTableData j, String jobOrSubmissionId) {
    return jobOrSubmissionId.isEmpty() || JobTable.hex(j.getJobId()).equalsIgnoreCase(jobOrSubmissionId)
        || jobOrSubmissionId.equals(j.getConfig().getMetadataMap().get(SUBMISSION_ID_KEY));
  }

  /** Ray's limit rules: unset returns all, 0 returns none (the validator rejects negatives). */
  public static GetAllJobInfoReply getAll(GcsStore store, ReadOptions ro, GetAllJobInfoRequest req) {
    GetAllJobInfoReply.Builder b = GetAllJobInfoReply.newBuilder();
    long total = 0;
    for (JobTableData j : all(store, ro)) {
      if (!matches(j, req.getJobOrSubmissionId())) {
        continue;
      }
      total++;
      if (!req.hasLimit() || b.getJobInfoListCount() < req.getLimit()) {
        b.addJobInfoList(j);
      }
    }
    return b.setTotal(total).build();
  }
}
