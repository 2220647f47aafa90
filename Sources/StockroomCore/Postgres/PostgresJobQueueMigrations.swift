/// The job queue's schema on PostgreSQL. Literal SQL, frozen once shipped: a change is a new
/// migration appended here, never an edit of an old one.
///
/// The columns mirror the SQLite `job` table (`Docs/schema.md`) in PostgreSQL's snake_case;
/// the CHECK lists are written out, not derived from the Swift enums, so a new stage needs a
/// new migration.
enum PostgresJobQueueMigrations {
    static var migrator: PostgresMigrator {
        var migrator = PostgresMigrator()
        migrator.register("job-queue-v1", statements: [
            """
            CREATE TABLE job (
              id BIGSERIAL PRIMARY KEY,
              organization_id TEXT NOT NULL,
              stage TEXT NOT NULL CHECK (stage IN ('STORE', 'EXTRACT', 'VERSION', 'RENDER')),
              status TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
              payload JSONB NOT NULL,
              asset_id BIGINT,
              dedupe_key TEXT,
              batch_id TEXT,
              attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
              max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
              run_after TIMESTAMPTZ NOT NULL,
              lease_owner TEXT,
              lease_expires_at TIMESTAMPTZ,
              last_error TEXT,
              created_at TIMESTAMPTZ NOT NULL,
              updated_at TIMESTAMPTZ NOT NULL,
              CHECK ((status = 'RUNNING') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
            )
            """,
            // Claims scan queued jobs in id order; the partial index holds only those.
            "CREATE INDEX job_claim ON job (id) WHERE status = 'QUEUED'",
            "CREATE INDEX job_lease ON job (lease_expires_at) WHERE status = 'RUNNING'",
            "CREATE INDEX job_batch ON job (batch_id, status)",
            "CREATE UNIQUE INDEX job_dedupe ON job (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('QUEUED', 'RUNNING')",
        ])
        // Thumbnails first: claims take the highest priority, then the oldest.
        migrator.register("job-queue-v2-priority", statements: [
            "ALTER TABLE job ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "DROP INDEX job_claim",
            "CREATE INDEX job_claim ON job (priority DESC, id) WHERE status = 'QUEUED'",
        ])
        // Webhook deliveries are jobs of their own stage, claimed by the webhook dispatcher only.
        migrator.register("job-queue-v3-webhook-stage", statements: [
            "ALTER TABLE job DROP CONSTRAINT job_stage_check",
            "ALTER TABLE job ADD CONSTRAINT job_stage_check CHECK (stage IN ('STORE', 'EXTRACT', 'VERSION', 'RENDER', 'WEBHOOK'))",
            "CREATE INDEX job_webhook ON job (id) WHERE stage = 'WEBHOOK' AND status IN ('QUEUED', 'RUNNING')",
        ])
        return migrator
    }
}
