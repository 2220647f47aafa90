/// The catalog's schema on PostgreSQL. Literal SQL, frozen once shipped: a change is a new
/// migration appended here, never an edit of an old one (GRDB's rule, kept for this backend).
///
/// Tables and constraints mirror the SQLite catalog (`CatalogMigrations`) in snake_case, with
/// PostgreSQL's types: BIGINT identity keys, TIMESTAMPTZ, BOOLEAN, JSONB for JSON documents.
/// Every column of a table is a field of its domain type, so rows map to and from the domain
/// structs by name (`PostgresRecordCoding`). Paths and normalized tag names use the "C"
/// collation: their subtree/descendant lookups are byte ranges on a B-tree index.
/// The `job` table belongs to the job queue (`PostgresJobQueueMigrations`).
enum PostgresCatalogMigrations {
    static var migrator: PostgresMigrator {
        var migrator = PostgresMigrator()
        migrator.register("catalog-v1", statements: v1)
        migrator.register("catalog-v2-client-review", statements: clientReview)
        migrator.register("catalog-v3-statement-change-triggers", statements: v3StatementChangeTriggers)
        migrator.register("catalog-v4-bulk-tagging", statements: v4BulkTagging)
        migrator.register("catalog-v5-share-review", statements: v5ShareReview)
        migrator.register("catalog-v6-audio-renditions", statements: audioRenditions)
        migrator.register("catalog-v7-webhooks", statements: webhooks)
        migrator.register("catalog-v8-own-rows-unlocked", statements: v8OwnRowsUnlocked)
        migrator.register("catalog-v9-tag-rows-one-organization", statements: v9TagRowsOneOrganization)
        return migrator
    }

    /// A tag row links an asset and a tag of the same organization — always so by construction
    /// (tags are looked up in the asset's organization), now also checked by the reference check,
    /// in the pass over `asset` it already makes. With it, counting the assets of a tag needs
    /// only `asset_tag` (`PostgresCatalog.tagSearchTotal`). The tags are checked first: in the
    /// usual statement they are all of one organization, and the assets are compared with it.
    private static let v9TagRowsOneOrganization: [String] = [
        """
        CREATE OR REPLACE FUNCTION stockroom_asset_tag_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          wanted BIGINT;
          found BIGINT;
          strays BIGINT;
          more BIGINT;
          more_strays BIGINT;
          tag_organizations BIGINT;
          organization TEXT;
          mine xid := pg_current_xact_id()::xid;
        BEGIN
          SELECT count(DISTINCT tag_id) INTO wanted FROM new_rows;
          SELECT count(*), count(DISTINCT organization_id), min(organization_id) INTO found, tag_organizations, organization
          FROM (SELECT organization_id FROM tag WHERE id IN (SELECT tag_id FROM new_rows) FOR KEY SHARE) locked;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to a tag that does not exist';
          END IF;
          SELECT count(DISTINCT asset_id) INTO wanted FROM new_rows;
          IF wanted > 5000 THEN
            -- See catalog-v8: one pass over asset rather than a key probe per row.
            SELECT count(*), count(*) FILTER (WHERE organization_id IS DISTINCT FROM organization) INTO found, strays
            FROM asset WHERE id + 0 IN (SELECT asset_id FROM new_rows) AND xmin = mine;
          ELSE
            SELECT count(*), count(*) FILTER (WHERE organization_id IS DISTINCT FROM organization) INTO found, strays
            FROM asset WHERE id IN (SELECT asset_id FROM new_rows) AND xmin = mine;
          END IF;
          IF found < wanted THEN
            SELECT count(*), count(*) FILTER (WHERE organization_id IS DISTINCT FROM organization) INTO more, more_strays
            FROM (SELECT organization_id FROM asset WHERE id IN (SELECT asset_id FROM new_rows) AND xmin <> mine FOR KEY SHARE) locked;
            found := found + more;
            strays := strays + more_strays;
          END IF;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to an asset that does not exist';
          END IF;
          IF tag_organizations > 1 THEN
            -- Tags of several organizations in one statement (nothing in Stockroom writes that): pair by pair.
            SELECT count(*) INTO strays FROM new_rows n JOIN asset a ON a.id = n.asset_id JOIN tag t ON t.id = n.tag_id
            WHERE a.organization_id <> t.organization_id;
          END IF;
          IF strays > 0 THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag links an asset and a tag of different organizations';
          END IF;
          RETURN NULL;
        END $$
        """,
    ]

    /// The reference check of new tag rows (catalog-v4) locked every referenced asset `FOR KEY
    /// SHARE`. A bulk tag touches its assets first, so their current row versions were written
    /// by this very transaction: another transaction cannot delete them before this one ends (a
    /// deleter waits on this transaction, then finds the row it left), so the lock adds nothing
    /// — and locking a row version writes its page again: 100 000 locks were 1.2–2.8 s of a
    /// 100 000-asset bulk tag. Assets whose current version this transaction wrote (`xmin` is
    /// its id) are now counted, not locked; the others are locked as before. (A row frozen
    /// exactly 2^32 transactions ago whose raw `xmin` equals this transaction's id would go
    /// unlocked, never unchecked: it is still counted only if it exists.) Large statements read
    /// `asset` in one pass instead of probing its key once per row.
    private static let v8OwnRowsUnlocked: [String] = [
        """
        CREATE OR REPLACE FUNCTION stockroom_asset_tag_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          wanted BIGINT;
          found BIGINT;
          mine xid := pg_current_xact_id()::xid;
        BEGIN
          SELECT count(DISTINCT asset_id) INTO wanted FROM new_rows;
          IF wanted > 5000 THEN
            -- The planner cannot see the transition table's size and probes asset_pkey once per
            -- row (0.7 s for 100 000); `id + 0` leaves it a hash join over one pass of asset.
            SELECT count(*) INTO found FROM asset WHERE id + 0 IN (SELECT asset_id FROM new_rows) AND xmin = mine;
          ELSE
            SELECT count(*) INTO found FROM asset WHERE id IN (SELECT asset_id FROM new_rows) AND xmin = mine;
          END IF;
          IF found < wanted THEN
            SELECT found + count(*) INTO found
            FROM (SELECT 1 FROM asset WHERE id IN (SELECT asset_id FROM new_rows) AND xmin <> mine FOR KEY SHARE) locked;
          END IF;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to an asset that does not exist';
          END IF;
          SELECT count(DISTINCT tag_id) INTO wanted FROM new_rows;
          SELECT count(*) INTO found FROM (SELECT 1 FROM tag WHERE id IN (SELECT tag_id FROM new_rows) FOR KEY SHARE) locked;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to a tag that does not exist';
          END IF;
          RETURN NULL;
        END $$
        """,
    ]

    /// Webhooks (the SQLite catalog's `v4-webhook-jobs`): each endpoint's read position in the
    /// activity log. Ids come from a sequence and transactions on several hosts commit out of
    /// their order, so a position by id alone would skip an entry whose transaction commits
    /// after a later id was read. Each entry records its transaction (`xact_id`); a reader takes
    /// only entries of transactions older than every transaction still running
    /// (`pg_snapshot_xmin`), in (transaction, id) order, so nothing can appear behind its
    /// position. `start_snapshot` is the snapshot the endpoint was configured in: what it saw
    /// committed is not sent.
    private static let webhooks: [String] = [
        "ALTER TABLE activity ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id()",
        "CREATE INDEX activity_xact ON activity (xact_id, id)",
        """
        CREATE TABLE webhook_cursor (
          endpoint_id TEXT PRIMARY KEY,
          xact_id xid8 NOT NULL,
          activity_id BIGINT NOT NULL,
          start_snapshot pg_snapshot NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL
        )
        """,
    ]

    static let observedTables = CatalogChangeCounter.observedTables

    /// WAVEFORM and PREVIEW_AUDIO for audio assets (the SQLite catalog's `v5-audio-renditions`).
    private static let audioRenditions: [String] = [
        "ALTER TABLE rendition DROP CONSTRAINT rendition_rendition_type_check",
        """
        ALTER TABLE rendition ADD CONSTRAINT rendition_rendition_type_check CHECK (rendition_type IN ('THUMBNAIL_SMALL','THUMBNAIL_MEDIUM',
          'THUMBNAIL_LARGE','PREVIEW','PREVIEW_VIDEO','WEB_OPTIMIZED','SOCIAL_SQUARE','SOCIAL_STORY','WATERMARKED','LOW_RES','WAVEFORM','PREVIEW_AUDIO'))
        """,
    ]

    /// Client comments keep their author's name and link; links keep whether they show PENDING
    /// assets and the collection of an EDIT link's selection (the SQLite catalog's `v4-client-review`).
    private static let clientReview: [String] = [
        "ALTER TABLE comment ADD COLUMN author_name TEXT",
        "ALTER TABLE comment ADD COLUMN share_link_id BIGINT REFERENCES share_link(id) ON DELETE SET NULL",
        "CREATE INDEX comment_share ON comment (share_link_id, created_at) WHERE share_link_id IS NOT NULL",
        "ALTER TABLE share_link ADD COLUMN include_pending BOOLEAN NOT NULL DEFAULT false",
        "ALTER TABLE share_link ADD COLUMN selection_collection_id BIGINT REFERENCES collection(id) ON DELETE SET NULL",
    ]

    /// v1 bumped `catalog_change` once per updated row on `asset` and `share_link` (to leave
    /// counter-only updates out). In one transaction those updates of the one counter row pile
    /// up dead versions that every next update walks: a bulk tag of 500 000 assets ran for
    /// tens of minutes. Statement-level triggers with transition tables bump once per statement
    /// that changed anything besides the counters.
    private static let v3StatementChangeTriggers: [String] = [
        "DROP TRIGGER catalog_change_asset_update ON asset",
        "DROP TRIGGER catalog_change_share_link_update ON share_link",
        """
        CREATE OR REPLACE FUNCTION stockroom_asset_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE o.download_count IS NOT DISTINCT FROM n.download_count) THEN
            UPDATE catalog_change SET version = version + 1 WHERE id = 1;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION stockroom_share_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE o.access_count IS NOT DISTINCT FROM n.access_count) THEN
            UPDATE catalog_change SET version = version + 1 WHERE id = 1;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER catalog_change_asset_update AFTER UPDATE ON asset REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_asset_changed()
        """,
        """
        CREATE TRIGGER catalog_change_share_link_update AFTER UPDATE ON share_link REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_share_link_changed()
        """,
    ]

    /// Bulk tagging at a million assets (Docs/performance.md, "Catalog on PostgreSQL at a million
    /// assets"). Measured in psql on the seeded catalog, tagging 100 000 assets spent 4–6 s in the
    /// two foreign-key checks of `asset_tag` (one trigger call per row and key) and 5–6 s in the
    /// `updated_at` update of the changed assets, none of them HOT (full pages: each update wrote a
    /// new entry into all 13 indexes of `asset`).
    ///
    /// - `asset` keeps a fifth of each page free, so those updates are HOT: no index names
    ///   `updated_at` or `last_edited_by`. Pages written before this migration keep their fill
    ///   until the table is rewritten (`VACUUM FULL asset`) or their rows move.
    /// - `asset_tag`'s references to `asset` and `tag` are checked once per statement, set-wise:
    ///   the referenced rows are locked `FOR KEY SHARE` as a foreign key would lock them (so a
    ///   concurrent delete waits for us, or we see it and fail), and a missing one raises
    ///   `foreign_key_violation` (SQLSTATE 23503, as before). Deleting assets or tags deletes their
    ///   `asset_tag` rows in one statement per deleting statement (the old `ON DELETE CASCADE`).
    ///   Ids are never updated, so there is no `ON UPDATE` rule to keep.
    /// - The asset change trigger fires for an `UPDATE OF` any column but the download counters,
    ///   without transition tables (which copied every changed row twice to compare them).
    ///   The column list is literal: a column added to `asset` later must be added to it by that
    ///   migration if its changes are to bump the counter.
    private static let v4BulkTagging: [String] = [
        "ALTER TABLE asset SET (fillfactor = 80)",
        "ALTER TABLE asset_tag DROP CONSTRAINT asset_tag_asset_id_fkey, DROP CONSTRAINT asset_tag_tag_id_fkey",
        """
        CREATE FUNCTION stockroom_asset_tag_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          wanted BIGINT;
          found BIGINT;
        BEGIN
          SELECT count(DISTINCT asset_id) INTO wanted FROM new_rows;
          SELECT count(*) INTO found FROM (SELECT 1 FROM asset WHERE id IN (SELECT asset_id FROM new_rows) FOR KEY SHARE) locked;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to an asset that does not exist';
          END IF;
          SELECT count(DISTINCT tag_id) INTO wanted FROM new_rows;
          SELECT count(*) INTO found FROM (SELECT 1 FROM tag WHERE id IN (SELECT tag_id FROM new_rows) FOR KEY SHARE) locked;
          IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'asset_tag refers to a tag that does not exist';
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER asset_tag_references_insert AFTER INSERT ON asset_tag REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_asset_tag_references()
        """,
        """
        CREATE TRIGGER asset_tag_references_update AFTER UPDATE ON asset_tag REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_asset_tag_references()
        """,
        """
        CREATE FUNCTION stockroom_asset_deleted_tags() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM asset_tag WHERE asset_id IN (SELECT id FROM old_rows);
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER asset_tag_cascade_asset AFTER DELETE ON asset REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_asset_deleted_tags()
        """,
        """
        CREATE FUNCTION stockroom_tag_deleted_tags() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM asset_tag WHERE tag_id IN (SELECT id FROM old_rows);
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER asset_tag_cascade_tag AFTER DELETE ON tag REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION stockroom_tag_deleted_tags()
        """,
        "DROP TRIGGER catalog_change_asset_update ON asset",
        "DROP FUNCTION stockroom_asset_changed()",
        """
        CREATE TRIGGER catalog_change_asset_update AFTER UPDATE OF
          organization_id, library_id, folder_id, name, slug, description, asset_type, source_path, mime_type, byte_size,
          content_hash, metadata, width, height, duration_seconds, captured_at, camera_make, camera_model, lens_model,
          gps_latitude, gps_longitude, gps_altitude, video_codec, audio_codec, frame_rate, sample_rate, audio_channels,
          bit_rate, creator, page_count, word_count, layer_count, status, approved_by, approved_at, license,
          license_details, expires_at, copyright_holder, copyright_year, usage_rights, source_type, source_url,
          external_id, created_by, last_edited_by, created_at, updated_at
        ON asset FOR EACH STATEMENT EXECUTE FUNCTION stockroom_catalog_changed()
        """,
    ]

    /// Client review decisions, one per link and asset (the SQLite catalog's `share_review` of
    /// `v4-client-review`), and the change counter on decisions and comments, which the cached
    /// gallery of a COMMENT link shows (`CatalogChangeCounter.laterObservedTables`).
    private static let v5ShareReview: [String] = [
        """
        CREATE TABLE share_review (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          share_link_id BIGINT NOT NULL REFERENCES share_link (id) ON DELETE CASCADE,
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          decision TEXT NOT NULL CHECK (decision IN ('APPROVED','REJECTED')),
          note TEXT,
          author_name TEXT NOT NULL,
          decided_at TIMESTAMPTZ NOT NULL,
          UNIQUE (share_link_id, asset_id)
        )
        """,
        "CREATE INDEX share_review_asset ON share_review (asset_id)",
    ] + ["share_review", "comment"].flatMap { table in
        ["INSERT", "UPDATE", "DELETE"].map { event in
            "CREATE TRIGGER catalog_change_\(table)_\(event.lowercased()) AFTER \(event) ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION stockroom_catalog_changed()"
        }
    }

    private static let v1: [String] = [
        """
        CREATE TABLE library (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          name TEXT NOT NULL,
          slug TEXT NOT NULL,
          description TEXT,
          library_type TEXT NOT NULL DEFAULT 'GENERAL' CHECK (library_type IN ('GENERAL','BRAND','STOCK','CLIENT','PROJECT','ARCHIVE')),
          visibility TEXT NOT NULL DEFAULT 'INTERNAL' CHECK (visibility IN ('INTERNAL','CLIENT','PUBLIC')),
          cover_asset_id BIGINT,
          client_id TEXT,
          settings JSONB NOT NULL DEFAULT '{}',
          pipeline TEXT,
          created_by TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          UNIQUE (organization_id, slug)
        )
        """,
        "CREATE INDEX library_client ON library (client_id)",
        """
        CREATE TABLE folder (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          library_id BIGINT NOT NULL REFERENCES library (id) ON DELETE CASCADE,
          parent_id BIGINT REFERENCES folder (id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          slug TEXT NOT NULL,
          description TEXT,
          color TEXT,
          path TEXT COLLATE "C" NOT NULL,
          depth INTEGER NOT NULL DEFAULT 0,
          default_metadata JSONB NOT NULL DEFAULT '{}',
          created_by TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          UNIQUE (library_id, path)
        )
        """,
        "CREATE INDEX folder_parent ON folder (parent_id)",
        "CREATE INDEX folder_path ON folder (path)",
        """
        CREATE TABLE asset (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          library_id BIGINT NOT NULL REFERENCES library (id) ON DELETE CASCADE,
          folder_id BIGINT REFERENCES folder (id) ON DELETE SET NULL,
          name TEXT NOT NULL,
          slug TEXT NOT NULL,
          description TEXT,
          asset_type TEXT NOT NULL CHECK (asset_type IN ('IMAGE_PHOTO','IMAGE_GRAPHIC','IMAGE_ICON','IMAGE_LOGO','VIDEO_RAW','VIDEO_EDITED','VIDEO_MOTION','AUDIO_MUSIC','AUDIO_VOICEOVER','AUDIO_SFX','DOC_COPY','DOC_BRIEF','DOC_PRESENTATION','DOC_REPORT','DESIGN_SOURCE','DESIGN_TEMPLATE','THREE_D_MODEL','AR_ASSET','FONT','OTHER')),
          source_path TEXT,
          mime_type TEXT,
          byte_size BIGINT,
          content_hash TEXT,
          metadata JSONB NOT NULL DEFAULT '{}',
          width INTEGER,
          height INTEGER,
          duration_seconds DOUBLE PRECISION,
          captured_at TIMESTAMPTZ,
          camera_make TEXT,
          camera_model TEXT,
          lens_model TEXT,
          gps_latitude DOUBLE PRECISION,
          gps_longitude DOUBLE PRECISION,
          gps_altitude DOUBLE PRECISION,
          video_codec TEXT,
          audio_codec TEXT,
          frame_rate DOUBLE PRECISION,
          sample_rate INTEGER,
          audio_channels INTEGER,
          bit_rate BIGINT,
          creator TEXT,
          page_count INTEGER,
          word_count INTEGER,
          layer_count INTEGER,
          status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','APPROVED','REJECTED','ARCHIVED','EXPIRED')),
          approved_by TEXT,
          approved_at TIMESTAMPTZ,
          download_count INTEGER NOT NULL DEFAULT 0,
          last_downloaded_at TIMESTAMPTZ,
          license TEXT CHECK (license IN ('OWNED','EXCLUSIVE','ROYALTY_FREE','RIGHTS_MANAGED','CREATIVE_COMMONS','EDITORIAL_ONLY','INTERNAL_ONLY','CLIENT_PROVIDED','UNKNOWN')),
          license_details JSONB,
          expires_at TIMESTAMPTZ,
          copyright_holder TEXT,
          copyright_year INTEGER,
          usage_rights TEXT,
          source_type TEXT NOT NULL DEFAULT 'UPLOAD' CHECK (source_type IN ('UPLOAD','IMPORT','STOCK','GENERATED','CAPTURE','EXTERNAL')),
          source_url TEXT,
          external_id TEXT,
          created_by TEXT NOT NULL,
          last_edited_by TEXT,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          UNIQUE (organization_id, library_id, slug)
        )
        """,
        "CREATE INDEX asset_library ON asset (library_id)",
        "CREATE INDEX asset_folder ON asset (folder_id)",
        "CREATE INDEX asset_type ON asset (asset_type)",
        "CREATE INDEX asset_status ON asset (status)",
        "CREATE INDEX asset_expires ON asset (expires_at) WHERE expires_at IS NOT NULL",
        "CREATE INDEX asset_license ON asset (license)",
        "CREATE INDEX asset_captured ON asset (captured_at)",
        "CREATE INDEX asset_content ON asset (library_id, content_hash)",
        "CREATE INDEX asset_page_count ON asset (page_count) WHERE page_count IS NOT NULL",
        "CREATE INDEX asset_layer_count ON asset (layer_count) WHERE layer_count IS NOT NULL",
        "CREATE UNIQUE INDEX asset_source_path ON asset (library_id, source_path) WHERE source_path IS NOT NULL",
        """
        CREATE TABLE tag (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          name TEXT NOT NULL,
          normalized TEXT COLLATE "C" NOT NULL,
          UNIQUE (organization_id, normalized)
        )
        """,
        """
        CREATE TABLE asset_tag (
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          tag_id BIGINT NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
          PRIMARY KEY (asset_id, tag_id)
        )
        """,
        "CREATE INDEX asset_tag_tag ON asset_tag (tag_id, asset_id)",
        """
        CREATE TABLE asset_version (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          version_number INTEGER NOT NULL,
          blob_hash TEXT NOT NULL,
          byte_size BIGINT NOT NULL,
          mime_type TEXT NOT NULL,
          original_filename TEXT NOT NULL,
          change_type TEXT NOT NULL CHECK (change_type IN ('INITIAL','UPDATE','REVISION','RESTORE','AUTO_SAVE')),
          change_note TEXT,
          diff_metadata JSONB,
          is_current BOOLEAN NOT NULL DEFAULT FALSE,
          created_by TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          UNIQUE (asset_id, version_number)
        )
        """,
        // One current version per asset, whoever writes.
        "CREATE UNIQUE INDEX asset_version_current ON asset_version (asset_id) WHERE is_current",
        "CREATE INDEX asset_version_blob ON asset_version (blob_hash)",
        """
        CREATE TABLE asset_version_media (
          version_id BIGINT PRIMARY KEY REFERENCES asset_version (id) ON DELETE CASCADE,
          description JSONB NOT NULL
        )
        """,
        """
        CREATE TABLE rendition (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          version_id BIGINT NOT NULL REFERENCES asset_version (id) ON DELETE CASCADE,
          rendition_type TEXT NOT NULL CHECK (rendition_type IN ('THUMBNAIL_SMALL','THUMBNAIL_MEDIUM','THUMBNAIL_LARGE','PREVIEW','PREVIEW_VIDEO','WEB_OPTIMIZED','SOCIAL_SQUARE','SOCIAL_STORY','WATERMARKED','LOW_RES')),
          recipe_hash TEXT NOT NULL,
          blob_hash TEXT,
          width INTEGER,
          height INTEGER,
          format TEXT,
          quality INTEGER,
          byte_size BIGINT,
          duration_seconds DOUBLE PRECISION,
          start_time DOUBLE PRECISION,
          status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','PROCESSING','COMPLETED','FAILED')),
          error TEXT,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          UNIQUE (asset_id, rendition_type)
        )
        """,
        "CREATE INDEX rendition_status ON rendition (status)",
        "CREATE INDEX rendition_blob ON rendition (blob_hash)",
        """
        CREATE TABLE asset_font (
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          family TEXT NOT NULL,
          normalized TEXT COLLATE "C" NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('FACE','USED')),
          PRIMARY KEY (asset_id, normalized)
        )
        """,
        "CREATE INDEX asset_font_family ON asset_font (normalized, asset_id)",
        // Full text: the title weighs A, the body B; one GIN index answers `text:` terms.
        // The 'simple' configuration lower-cases and does not stem, like FTS5's unicode61
        // (which also folds diacritics; 'simple' does not).
        """
        CREATE TABLE asset_text (
          asset_id BIGINT PRIMARY KEY REFERENCES asset (id) ON DELETE CASCADE,
          title TEXT NOT NULL,
          body TEXT NOT NULL,
          document TSVECTOR GENERATED ALWAYS AS
            (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED
        )
        """,
        "CREATE INDEX asset_text_document ON asset_text USING GIN (document)",
        """
        CREATE TABLE collection (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          name TEXT NOT NULL,
          slug TEXT NOT NULL,
          description TEXT,
          collection_type TEXT NOT NULL DEFAULT 'MANUAL' CHECK (collection_type IN ('MANUAL','SMART','LIGHTBOX','DELIVERABLE')),
          smart_query TEXT,
          smart_rules JSONB,
          cover_asset_id BIGINT REFERENCES asset (id) ON DELETE SET NULL,
          allow_download BOOLEAN NOT NULL DEFAULT TRUE,
          allow_comments BOOLEAN NOT NULL DEFAULT TRUE,
          created_by TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL,
          UNIQUE (organization_id, slug)
        )
        """,
        """
        CREATE TABLE collection_item (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          collection_id BIGINT NOT NULL REFERENCES collection (id) ON DELETE CASCADE,
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          sort_order INTEGER NOT NULL DEFAULT 0,
          note TEXT,
          added_by TEXT NOT NULL,
          added_at TIMESTAMPTZ NOT NULL,
          UNIQUE (collection_id, asset_id)
        )
        """,
        "CREATE INDEX collection_item_asset ON collection_item (asset_id)",
        """
        CREATE TABLE share_link (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          token TEXT COLLATE "C" NOT NULL UNIQUE,
          collection_id BIGINT REFERENCES collection (id) ON DELETE CASCADE,
          asset_id BIGINT REFERENCES asset (id) ON DELETE CASCADE,
          recipient_email TEXT,
          access_level TEXT NOT NULL DEFAULT 'DOWNLOAD' CHECK (access_level IN ('VIEW','DOWNLOAD','COMMENT','EDIT')),
          allow_download BOOLEAN NOT NULL DEFAULT TRUE,
          expires_at TIMESTAMPTZ,
          password_hash TEXT,
          max_downloads INTEGER CHECK (max_downloads IS NULL OR max_downloads >= 0),
          download_count INTEGER NOT NULL DEFAULT 0,
          access_count INTEGER NOT NULL DEFAULT 0,
          last_accessed_at TIMESTAMPTZ,
          revoked_at TIMESTAMPTZ,
          created_by TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          CHECK ((collection_id IS NULL) <> (asset_id IS NULL))
        )
        """,
        "CREATE INDEX share_link_collection ON share_link (collection_id)",
        "CREATE INDEX share_link_asset ON share_link (asset_id)",
        "CREATE INDEX share_link_recipient ON share_link (recipient_email)",
        """
        CREATE TABLE share_access (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          share_link_id BIGINT NOT NULL REFERENCES share_link (id) ON DELETE CASCADE,
          event TEXT NOT NULL CHECK (event IN ('VIEW','DOWNLOAD','DOWNLOAD_ALL','PASSWORD_FAILED','DENIED')),
          asset_id BIGINT,
          rendition_type TEXT,
          ip_address TEXT,
          user_agent TEXT,
          occurred_at TIMESTAMPTZ NOT NULL,
          byte_range TEXT
        )
        """,
        "CREATE INDEX share_access_link ON share_access (share_link_id, occurred_at)",
        """
        CREATE TABLE comment (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          asset_id BIGINT NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
          parent_id BIGINT REFERENCES comment (id) ON DELETE CASCADE,
          content TEXT NOT NULL,
          author_id TEXT NOT NULL,
          author_type TEXT NOT NULL DEFAULT 'user',
          annotation JSONB,
          is_resolved BOOLEAN NOT NULL DEFAULT FALSE,
          resolved_by TEXT,
          resolved_at TIMESTAMPTZ,
          created_at TIMESTAMPTZ NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE INDEX comment_asset ON comment (asset_id)",
        "CREATE INDEX comment_parent ON comment (parent_id)",
        """
        CREATE TABLE activity (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          actor_type TEXT NOT NULL,
          actor_name TEXT NOT NULL,
          action TEXT NOT NULL,
          entity_type TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          entity_title TEXT NOT NULL,
          description TEXT,
          metadata JSONB,
          occurred_at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE INDEX activity_org_time ON activity (organization_id, occurred_at)",
        "CREATE INDEX activity_entity ON activity (entity_type, entity_id)",
        """
        CREATE TABLE api_key (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          name TEXT NOT NULL,
          prefix TEXT NOT NULL UNIQUE,
          key_hash TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          last_used_at TIMESTAMPTZ,
          revoked_at TIMESTAMPTZ
        )
        """,
        """
        CREATE TABLE ingest_failure (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          organization_id TEXT NOT NULL,
          library_id BIGINT REFERENCES library (id) ON DELETE CASCADE,
          source_path TEXT NOT NULL,
          quarantine_path TEXT,
          stage TEXT NOT NULL,
          reason TEXT NOT NULL,
          details TEXT,
          occurred_at TIMESTAMPTZ NOT NULL,
          resolved_at TIMESTAMPTZ
        )
        """,
        "CREATE INDEX ingest_failure_open ON ingest_failure (resolved_at, occurred_at)",
        """
        CREATE TABLE watch_file (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          watch_root TEXT NOT NULL,
          relative_path TEXT NOT NULL,
          byte_size BIGINT NOT NULL,
          modified_at DOUBLE PRECISION NOT NULL,
          outcome TEXT NOT NULL,
          asset_id BIGINT,
          recorded_at TIMESTAMPTZ NOT NULL,
          UNIQUE (watch_root, relative_path)
        )
        """,
        // What a share link shows changed: bumped once per statement by the triggers below
        // (counter-only updates of downloads and views excepted, as in SQLite).
        "CREATE TABLE catalog_change (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
        "INSERT INTO catalog_change (id, version) VALUES (1, 0)",
        """
        CREATE FUNCTION stockroom_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE catalog_change SET version = version + 1 WHERE id = 1;
          RETURN NULL;
        END $$
        """,
    ] + observedTables.flatMap { table -> [String] in
        var statements = ["INSERT", "DELETE"].map { event in
            "CREATE TRIGGER catalog_change_\(table)_\(event.lowercased()) AFTER \(event) ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION stockroom_catalog_changed()"
        }
        let when = switch table {
        case "asset": " WHEN (OLD.download_count IS NOT DISTINCT FROM NEW.download_count)"
        case "share_link": " WHEN (OLD.access_count IS NOT DISTINCT FROM NEW.access_count)"
        default: ""
        }
        // Row-level for the two tables whose counter-only updates are left out (WHEN needs rows).
        let level = when.isEmpty ? "FOR EACH STATEMENT" : "FOR EACH ROW"
        statements.append("CREATE TRIGGER catalog_change_\(table)_update AFTER UPDATE ON \(table) \(level)\(when) EXECUTE FUNCTION stockroom_catalog_changed()")
        return statements
    }
}
