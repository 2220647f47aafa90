import GRDB

/// The catalog schema, one named migration per shipped change. Never edit a shipped migration;
/// append a new one.
enum CatalogMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-catalog") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-watch-state") { db in
            try db.execute(sql: watchState)
        }
        // `folder:/a/b` and `folder:/a/**` look folders up by path across libraries.
        migrator.registerMigration("v2-query-indexes") { db in
            try db.execute(sql: "CREATE INDEX folder_path ON folder(path)")
        }
        // The HTTP edge caches resolved share links; triggers count every change that can alter
        // what a link shows, from any process (the CLI too). Access-log rows and view counters
        // do not count, so serving never invalidates its own cache.
        migrator.registerMigration("v3-share-edge") { db in
            try db.execute(sql: CatalogChangeCounter.migrationSQL)
            try db.execute(sql: "ALTER TABLE share_access ADD COLUMN byteRange TEXT")
        }
        migrator.registerMigration("v3-documents") { db in
            try db.execute(sql: documents)
        }
        // What the media engine said about each version, so a restore brings its technical
        // columns back; and a failure's full text beside its one-line reason.
        migrator.registerMigration("v3-version-media-failure-details") { db in
            try db.execute(sql: versionMediaAndFailureDetails)
        }
        // Client review through share links: who commented through which link, decisions per
        // asset and link, EDIT selections, links that show assets still awaiting approval.
        // Decisions and comments bump the change counter: the cached gallery shows them.
        migrator.registerMigration("v4-client-review") { db in
            try db.execute(sql: clientReview)
        }
        // Webhook deliveries are jobs of their own stage; SQLite cannot change a CHECK list in
        // place, so the job table is rebuilt with the list written out.
        migrator.registerMigration("v4-webhook-jobs") { db in
            try db.execute(sql: webhookJobs)
        }
        // Thumbnails first: claims take the highest priority, then the oldest job; the index
        // hands them out in that order without sorting the backlog.
        migrator.registerMigration("v4-job-priority") { db in
            try db.execute(sql: jobPriority)
        }
        // WAVEFORM and PREVIEW_AUDIO for audio assets: the rendition table is rebuilt with the
        // longer CHECK list (and its change-counter triggers made again).
        migrator.registerMigration("v5-audio-renditions") { db in
            try db.execute(sql: audioRenditions)
        }
    }

    private static let audioRenditions = """
    CREATE TABLE rendition_rebuilt (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        versionId INTEGER NOT NULL REFERENCES asset_version(id) ON DELETE CASCADE,
        renditionType TEXT NOT NULL CHECK (renditionType IN ('THUMBNAIL_SMALL','THUMBNAIL_MEDIUM','THUMBNAIL_LARGE','PREVIEW',
            'PREVIEW_VIDEO','WEB_OPTIMIZED','SOCIAL_SQUARE','SOCIAL_STORY','WATERMARKED','LOW_RES','WAVEFORM','PREVIEW_AUDIO')),
        recipeHash TEXT NOT NULL,
        blobHash TEXT,
        width INTEGER,
        height INTEGER,
        format TEXT,
        quality INTEGER,
        byteSize INTEGER,
        durationSeconds REAL,
        startTime REAL,
        status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','PROCESSING','COMPLETED','FAILED')),
        error TEXT,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (assetId, renditionType)
    );
    INSERT INTO rendition_rebuilt (id, assetId, versionId, renditionType, recipeHash, blobHash, width, height, format, quality,
                                   byteSize, durationSeconds, startTime, status, error, createdAt, updatedAt)
        SELECT id, assetId, versionId, renditionType, recipeHash, blobHash, width, height, format, quality,
               byteSize, durationSeconds, startTime, status, error, createdAt, updatedAt FROM rendition;
    DROP TABLE rendition;
    ALTER TABLE rendition_rebuilt RENAME TO rendition;
    CREATE INDEX rendition_status ON rendition(status);
    CREATE INDEX rendition_blob ON rendition(blobHash);
    CREATE TRIGGER catalog_change_rendition_insert AFTER INSERT ON rendition BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_rendition_delete AFTER DELETE ON rendition BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_rendition_update AFTER UPDATE ON rendition FOR EACH ROW BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    """

    private static let jobPriority = """
    ALTER TABLE job ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
    DROP INDEX job_claim;
    CREATE INDEX job_claim ON job(status, priority DESC, id);
    """

    private static let clientReview = """
    ALTER TABLE comment ADD COLUMN authorName TEXT;
    ALTER TABLE comment ADD COLUMN shareLinkId INTEGER REFERENCES share_link(id) ON DELETE SET NULL;
    CREATE INDEX comment_share ON comment(shareLinkId, createdAt) WHERE shareLinkId IS NOT NULL;
    CREATE INDEX comment_open ON comment(isResolved, createdAt);

    ALTER TABLE share_link ADD COLUMN includePending BOOLEAN NOT NULL DEFAULT 0;
    ALTER TABLE share_link ADD COLUMN selectionCollectionId INTEGER REFERENCES collection(id) ON DELETE SET NULL;

    CREATE TABLE share_review (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        shareLinkId INTEGER NOT NULL REFERENCES share_link(id) ON DELETE CASCADE,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        decision TEXT NOT NULL CHECK (decision IN ('APPROVED','REJECTED')),
        note TEXT,
        authorName TEXT NOT NULL,
        decidedAt DATETIME NOT NULL,
        UNIQUE (shareLinkId, assetId)
    );
    CREATE INDEX share_review_asset ON share_review(assetId);

    CREATE INDEX activity_actor ON activity(actorName COLLATE NOCASE, occurredAt);
    CREATE INDEX activity_time ON activity(occurredAt);

    CREATE TRIGGER catalog_change_share_review_insert AFTER INSERT ON share_review BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_share_review_delete AFTER DELETE ON share_review BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_share_review_update AFTER UPDATE ON share_review BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_comment_insert AFTER INSERT ON comment BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_comment_delete AFTER DELETE ON comment BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    CREATE TRIGGER catalog_change_comment_update AFTER UPDATE ON comment BEGIN UPDATE catalog_change SET version = version + 1 WHERE id = 1; END;
    """

    private static let webhookJobs = """
    CREATE TABLE job_rebuilt (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        stage TEXT NOT NULL CHECK (stage IN ('STORE','EXTRACT','VERSION','RENDER','WEBHOOK')),
        status TEXT NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED')),
        payload TEXT NOT NULL DEFAULT '{}',
        assetId INTEGER REFERENCES asset(id) ON DELETE CASCADE,
        dedupeKey TEXT,
        batchId TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        maxAttempts INTEGER NOT NULL DEFAULT 3,
        runAfter DATETIME NOT NULL,
        leaseOwner TEXT,
        leaseExpiresAt DATETIME,
        lastError TEXT,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL
    );
    INSERT INTO job_rebuilt (id, organizationId, stage, status, payload, assetId, dedupeKey, batchId, attempts, maxAttempts,
                             runAfter, leaseOwner, leaseExpiresAt, lastError, createdAt, updatedAt)
        SELECT id, organizationId, stage, status, payload, assetId, dedupeKey, batchId, attempts, maxAttempts,
               runAfter, leaseOwner, leaseExpiresAt, lastError, createdAt, updatedAt FROM job;
    DROP TABLE job;
    ALTER TABLE job_rebuilt RENAME TO job;
    CREATE INDEX job_claim ON job(status, runAfter);
    CREATE INDEX job_batch ON job(batchId, status);
    CREATE INDEX job_stage ON job(stage, status, runAfter);
    CREATE UNIQUE INDEX job_dedupe ON job(dedupeKey) WHERE dedupeKey IS NOT NULL AND status IN ('QUEUED', 'RUNNING');

    -- How far each configured webhook endpoint has read the activity log.
    CREATE TABLE webhook_cursor (
        endpointId TEXT PRIMARY KEY,
        activityId INTEGER NOT NULL,
        updatedAt DATETIME NOT NULL
    );
    """

    private static func check(_ column: String, _ values: [String]) -> String {
        "CHECK (\(column) IN (\(values.map { "'\($0)'" }.joined(separator: ","))))"
    }

    /// Documents, design files and fonts: typed page, word and layer counts; the font families an
    /// asset is or uses; and the full-text index of titles and extracted text (FTS5, rowid =
    /// asset id, emptied by a trigger when its asset goes).
    private static let documents = """
    ALTER TABLE asset ADD COLUMN pageCount INTEGER;
    ALTER TABLE asset ADD COLUMN wordCount INTEGER;
    ALTER TABLE asset ADD COLUMN layerCount INTEGER;
    CREATE INDEX asset_page_count ON asset(pageCount) WHERE pageCount IS NOT NULL;
    CREATE INDEX asset_layer_count ON asset(layerCount) WHERE layerCount IS NOT NULL;

    CREATE TABLE asset_font (
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        normalized TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('FACE','USED')),
        PRIMARY KEY (assetId, normalized)
    ) WITHOUT ROWID;
    CREATE INDEX asset_font_family ON asset_font(normalized, assetId);

    CREATE VIRTUAL TABLE asset_text USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER asset_text_cleanup AFTER DELETE ON asset BEGIN
        DELETE FROM asset_text WHERE rowid = old.id;
    END;
    """

    private static let versionMediaAndFailureDetails = """
    CREATE TABLE asset_version_media (
        versionId INTEGER PRIMARY KEY REFERENCES asset_version(id) ON DELETE CASCADE,
        description TEXT NOT NULL
    );
    INSERT INTO asset_version_media (versionId, description)
        SELECT asset_version.id, asset.metadata FROM asset_version JOIN asset ON asset.id = asset_version.assetId
        WHERE asset_version.isCurrent AND asset.metadata IS NOT NULL AND asset.metadata != '{}';
    ALTER TABLE ingest_failure ADD COLUMN details TEXT;
    """

    /// What each watch folder has already handed to the pipeline, so rescans and restarts skip
    /// files whose size and modification time have not changed.
    private static let watchState = """
    CREATE TABLE watch_file (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        watchRoot TEXT NOT NULL,
        relativePath TEXT NOT NULL,
        byteSize INTEGER NOT NULL,
        modifiedAt DOUBLE NOT NULL,
        outcome TEXT NOT NULL,
        assetId INTEGER,
        recordedAt DATETIME NOT NULL,
        UNIQUE (watchRoot, relativePath)
    );
    """

    private static let v1: String = """
    CREATE TABLE library (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        description TEXT,
        libraryType TEXT NOT NULL DEFAULT 'GENERAL' \(check("libraryType", LibraryType.allCases.map(\.rawValue))),
        visibility TEXT NOT NULL DEFAULT 'INTERNAL' \(check("visibility", LibraryVisibility.allCases.map(\.rawValue))),
        coverAssetId INTEGER,
        clientId TEXT,
        settings TEXT NOT NULL DEFAULT '{}',
        pipeline TEXT,
        createdBy TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (organizationId, slug)
    );
    CREATE INDEX library_client ON library(clientId);

    CREATE TABLE folder (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        libraryId INTEGER NOT NULL REFERENCES library(id) ON DELETE CASCADE,
        parentId INTEGER REFERENCES folder(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        description TEXT,
        color TEXT,
        path TEXT NOT NULL,
        depth INTEGER NOT NULL DEFAULT 0,
        defaultMetadata TEXT NOT NULL DEFAULT '{}',
        createdBy TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (libraryId, path)
    );
    CREATE INDEX folder_parent ON folder(parentId);

    CREATE TABLE asset (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        libraryId INTEGER NOT NULL REFERENCES library(id) ON DELETE CASCADE,
        folderId INTEGER REFERENCES folder(id) ON DELETE SET NULL,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        description TEXT,
        assetType TEXT NOT NULL \(check("assetType", AssetType.allCases.map(\.rawValue))),
        sourcePath TEXT,
        mimeType TEXT,
        byteSize INTEGER,
        contentHash TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        width INTEGER,
        height INTEGER,
        durationSeconds REAL,
        capturedAt DATETIME,
        cameraMake TEXT,
        cameraModel TEXT,
        lensModel TEXT,
        gpsLatitude REAL,
        gpsLongitude REAL,
        gpsAltitude REAL,
        videoCodec TEXT,
        audioCodec TEXT,
        frameRate REAL,
        sampleRate INTEGER,
        audioChannels INTEGER,
        bitRate INTEGER,
        creator TEXT,
        status TEXT NOT NULL DEFAULT 'PENDING' \(check("status", AssetStatus.allCases.map(\.rawValue))),
        approvedBy TEXT,
        approvedAt DATETIME,
        downloadCount INTEGER NOT NULL DEFAULT 0,
        lastDownloadedAt DATETIME,
        license TEXT \(check("license", LicenseType.allCases.map(\.rawValue))),
        licenseDetails TEXT,
        expiresAt DATETIME,
        copyrightHolder TEXT,
        copyrightYear INTEGER,
        usageRights TEXT,
        sourceType TEXT NOT NULL DEFAULT 'UPLOAD' \(check("sourceType", AssetSourceType.allCases.map(\.rawValue))),
        sourceUrl TEXT,
        externalId TEXT,
        createdBy TEXT NOT NULL,
        lastEditedBy TEXT,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (organizationId, libraryId, slug)
    );
    CREATE INDEX asset_library ON asset(libraryId);
    CREATE INDEX asset_folder ON asset(folderId);
    CREATE INDEX asset_type ON asset(assetType);
    CREATE INDEX asset_status ON asset(status);
    CREATE INDEX asset_expires ON asset(expiresAt) WHERE expiresAt IS NOT NULL;
    CREATE INDEX asset_license ON asset(license);
    CREATE INDEX asset_captured ON asset(capturedAt);
    CREATE INDEX asset_content ON asset(libraryId, contentHash);
    CREATE UNIQUE INDEX asset_source_path ON asset(libraryId, sourcePath) WHERE sourcePath IS NOT NULL;

    CREATE TABLE tag (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        name TEXT NOT NULL,
        normalized TEXT NOT NULL,
        UNIQUE (organizationId, normalized)
    );

    CREATE TABLE asset_tag (
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        tagId INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
        PRIMARY KEY (assetId, tagId)
    ) WITHOUT ROWID;
    CREATE INDEX asset_tag_tag ON asset_tag(tagId, assetId);

    CREATE TABLE asset_version (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        versionNumber INTEGER NOT NULL,
        blobHash TEXT NOT NULL,
        byteSize INTEGER NOT NULL,
        mimeType TEXT NOT NULL,
        originalFilename TEXT NOT NULL,
        changeType TEXT NOT NULL \(check("changeType", VersionChangeType.allCases.map(\.rawValue))),
        changeNote TEXT,
        diffMetadata TEXT,
        isCurrent BOOLEAN NOT NULL DEFAULT 0,
        createdBy TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        UNIQUE (assetId, versionNumber)
    );
    CREATE UNIQUE INDEX asset_version_current ON asset_version(assetId) WHERE isCurrent;
    CREATE INDEX asset_version_blob ON asset_version(blobHash);

    CREATE TABLE rendition (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        versionId INTEGER NOT NULL REFERENCES asset_version(id) ON DELETE CASCADE,
        renditionType TEXT NOT NULL CHECK (renditionType IN ('THUMBNAIL_SMALL','THUMBNAIL_MEDIUM','THUMBNAIL_LARGE','PREVIEW','PREVIEW_VIDEO','WEB_OPTIMIZED','SOCIAL_SQUARE','SOCIAL_STORY','WATERMARKED','LOW_RES')),
        recipeHash TEXT NOT NULL,
        blobHash TEXT,
        width INTEGER,
        height INTEGER,
        format TEXT,
        quality INTEGER,
        byteSize INTEGER,
        durationSeconds REAL,
        startTime REAL,
        status TEXT NOT NULL DEFAULT 'PENDING' \(check("status", RenditionStatus.allCases.map(\.rawValue))),
        error TEXT,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (assetId, renditionType)
    );
    CREATE INDEX rendition_status ON rendition(status);
    CREATE INDEX rendition_blob ON rendition(blobHash);

    CREATE TABLE collection (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        description TEXT,
        collectionType TEXT NOT NULL DEFAULT 'MANUAL' \(check("collectionType", CollectionType.allCases.map(\.rawValue))),
        smartQuery TEXT,
        smartRules TEXT,
        coverAssetId INTEGER REFERENCES asset(id) ON DELETE SET NULL,
        allowDownload BOOLEAN NOT NULL DEFAULT 1,
        allowComments BOOLEAN NOT NULL DEFAULT 1,
        createdBy TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL,
        UNIQUE (organizationId, slug)
    );

    CREATE TABLE collection_item (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        collectionId INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        sortOrder INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        addedBy TEXT NOT NULL,
        addedAt DATETIME NOT NULL,
        UNIQUE (collectionId, assetId)
    );
    CREATE INDEX collection_item_asset ON collection_item(assetId);

    CREATE TABLE share_link (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        collectionId INTEGER REFERENCES collection(id) ON DELETE CASCADE,
        assetId INTEGER REFERENCES asset(id) ON DELETE CASCADE,
        recipientEmail TEXT,
        accessLevel TEXT NOT NULL DEFAULT 'DOWNLOAD' \(check("accessLevel", ShareAccessLevel.allCases.map(\.rawValue))),
        allowDownload BOOLEAN NOT NULL DEFAULT 1,
        expiresAt DATETIME,
        passwordHash TEXT,
        maxDownloads INTEGER CHECK (maxDownloads IS NULL OR maxDownloads >= 0),
        downloadCount INTEGER NOT NULL DEFAULT 0,
        accessCount INTEGER NOT NULL DEFAULT 0,
        lastAccessedAt DATETIME,
        revokedAt DATETIME,
        createdBy TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        CHECK ((collectionId IS NULL) <> (assetId IS NULL))
    );
    CREATE INDEX share_link_collection ON share_link(collectionId);
    CREATE INDEX share_link_asset ON share_link(assetId);
    CREATE INDEX share_link_recipient ON share_link(recipientEmail);

    CREATE TABLE share_access (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        shareLinkId INTEGER NOT NULL REFERENCES share_link(id) ON DELETE CASCADE,
        event TEXT NOT NULL \(check("event", ShareEventKind.allCases.map(\.rawValue))),
        assetId INTEGER,
        renditionType TEXT,
        ipAddress TEXT,
        userAgent TEXT,
        occurredAt DATETIME NOT NULL
    );
    CREATE INDEX share_access_link ON share_access(shareLinkId, occurredAt);

    CREATE TABLE comment (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        parentId INTEGER REFERENCES comment(id) ON DELETE CASCADE,
        content TEXT NOT NULL,
        authorId TEXT NOT NULL,
        authorType TEXT NOT NULL DEFAULT 'user',
        annotation TEXT,
        isResolved BOOLEAN NOT NULL DEFAULT 0,
        resolvedBy TEXT,
        resolvedAt DATETIME,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL
    );
    CREATE INDEX comment_asset ON comment(assetId);
    CREATE INDEX comment_parent ON comment(parentId);

    CREATE TABLE activity (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        actorType TEXT NOT NULL,
        actorName TEXT NOT NULL,
        action TEXT NOT NULL,
        entityType TEXT NOT NULL,
        entityId TEXT NOT NULL,
        entityTitle TEXT NOT NULL,
        description TEXT,
        metadata TEXT,
        occurredAt DATETIME NOT NULL
    );
    CREATE INDEX activity_org_time ON activity(organizationId, occurredAt);
    CREATE INDEX activity_entity ON activity(entityType, entityId);

    CREATE TABLE job (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        stage TEXT NOT NULL \(check("stage", PipelineStage.allCases.map(\.rawValue))),
        status TEXT NOT NULL DEFAULT 'QUEUED' \(check("status", JobStatus.allCases.map(\.rawValue))),
        payload TEXT NOT NULL DEFAULT '{}',
        assetId INTEGER REFERENCES asset(id) ON DELETE CASCADE,
        dedupeKey TEXT,
        batchId TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        maxAttempts INTEGER NOT NULL DEFAULT 3,
        runAfter DATETIME NOT NULL,
        leaseOwner TEXT,
        leaseExpiresAt DATETIME,
        lastError TEXT,
        createdAt DATETIME NOT NULL,
        updatedAt DATETIME NOT NULL
    );
    CREATE INDEX job_claim ON job(status, runAfter);
    CREATE INDEX job_batch ON job(batchId, status);
    CREATE UNIQUE INDEX job_dedupe ON job(dedupeKey) WHERE dedupeKey IS NOT NULL AND status IN ('QUEUED', 'RUNNING');

    CREATE TABLE api_key (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL UNIQUE,
        keyHash TEXT NOT NULL,
        createdAt DATETIME NOT NULL,
        lastUsedAt DATETIME,
        revokedAt DATETIME
    );

    CREATE TABLE ingest_failure (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        organizationId TEXT NOT NULL,
        libraryId INTEGER REFERENCES library(id) ON DELETE CASCADE,
        sourcePath TEXT NOT NULL,
        quarantinePath TEXT,
        stage TEXT NOT NULL,
        reason TEXT NOT NULL,
        occurredAt DATETIME NOT NULL,
        resolvedAt DATETIME
    );
    CREATE INDEX ingest_failure_open ON ingest_failure(resolvedAt, occurredAt);
    """
}
