-- Scheduled backups run once across every instance sharing the database: each instance
-- may schedule the next backup job, and this index lets only one wait at a time. A
-- claimed job (attempts > 0) no longer counts, so the run in hand can schedule its
-- successor (app::jobs::enqueue_once).
CREATE UNIQUE INDEX jobs_one_waiting_backup_idx ON jobs (kind)
    WHERE kind = 'backup' AND state = 'pending' AND attempts = 0;
