import Foundation
import GRDB
import Testing
@testable import StockroomCore
import StockroomMedia
import StockroomTestSupport

@Suite("Documents, design files, logos and fonts through the pipeline", .serialized)
struct DocumentIngestTests {
    let dir = TemporaryDirectory()

    /// Generated fixtures and third-party files side by side with a photo, a video, a song and a
    /// broken JPEG.
    static let fixtureFiles = [
        "report.pdf", "deck.pdf", "brief.pdf", "encrypted.pdf", "mark.ai", "damaged.pdf", "logo-dark.svg", "billion-laughs.svg",
        "banner-rle.psd", "cyan-cmyk-rle.psd", "bomb.psd", "press-release.docx", "annual-report.docx", "pitch-deck.pptx", "budget.xlsx",
        "minutes.odt", "letterhead.dotx", "zip-bomb.docx", "libertine-subset.otf", "dejavu-subset.woff2", "truncated.ttf",
        "copy-utf8.txt", "copy-latin1.txt", "launch-notes.md", "numbers.csv", "preview.eps",
    ]
    static let corpusFiles = [
        "documents/0layers.psd", "documents/1layer.psd", "documents/32bit.psd", "documents/cmyk-image.pdf", "documents/debian.svg",
        "documents/doc-default.docx", "documents/gnome.svg", "documents/pdflatex-image.pdf", "documents/pdflatex-outline.pdf",
        "documents/slides.pptx", "images/orientation-landscape-1.jpg", "video/sample.mp4", "audio/with-cover-art.mp3",
        "malformed/truncated.jpg",
    ]
    /// Quarantined with a reason; a JPEG whose pixels do not decode is refused like any corrupt file.
    static let refused: Set<String> = ["damaged.pdf", "billion-laughs.svg", "bomb.psd", "zip-bomb.docx", "truncated.ttf", "numbers.csv", "truncated.jpg"]

    /// Three of the default pipeline's recipes (a thumbnail, the multi-page PREVIEW, a square
    /// crop), so forty files render in reasonable time; the recipes themselves are the defaults'.
    static let pipeline = """
        name: documents
        stages: [store, extract, version, render]
        renditions:
          THUMBNAIL_MEDIUM: { size: 300, format: jpeg, quality: 80 }
          PREVIEW: { size: 1600, format: jpeg, quality: 85, pages: 4 }
          SOCIAL_SQUARE: { width: 1080, height: 1080, fit: cover, crop: attention, format: jpeg, quality: 85 }
        """

    private func ingest(_ folder: URL) async throws -> (DataHome, IngestSummary) {
        let pipelines = dir.url.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
        try Self.pipeline.write(to: pipelines.appendingPathComponent("documents.yml"), atomically: true, encoding: .utf8)
        let home = try DataHome.initialize(at: dir.url.appendingPathComponent("home"))
        _ = try LibraryService(libraries: home.catalog, folders: home.catalog).createLibrary(name: "Creative", pipeline: "documents", by: .system)
        let runner = Fixtures.runner(home, pipelines: PipelineDirectory(searchPath: [pipelines]))
        let service = IngestService(catalog: home.catalog, runner: runner)
        let (batchId, _) = try service.enqueue(try IngestService.sourceFiles([folder]), librarySlug: "creative", baseFolder: nil, actor: .system)
        return (home, try await service.run(batchId: batchId, workers: 2))
    }

    private func stageMix() throws -> URL {
        let root = dir.url.appendingPathComponent("mixed")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for name in Self.fixtureFiles {
            try FileManager.default.copyItem(at: try DocumentFixtures.file(name), to: root.appendingPathComponent(name))
        }
        for path in Self.corpusFiles {
            try FileManager.default.copyItem(at: Corpus.file(path), to: root.appendingPathComponent((path as NSString).lastPathComponent))
        }
        return root
    }

    private func asset(_ name: String, _ home: DataHome) throws -> Asset {
        try #require(try home.sqliteCatalog!.database.writer.read { db in try Asset.filter(Column("name") == name).fetchOne(db) }, "\(name) not catalogued")
    }

    private func names(_ query: String, _ home: DataHome, sort: AssetSort = AssetSort(field: .name)) throws -> [String] {
        try home.catalog.searchAssets(try AssetQuery.parse(query), sort: sort, limit: nil).assets.map(\.name)
    }

    @Test("a folder of every kind: each file catalogued with its visual or failed with a reason; typed, counted and searchable")
    func mixedFolder() async throws {
        let (home, summary) = try await ingest(try stageMix())
        let total = Self.fixtureFiles.count + Self.corpusFiles.count

        #expect(summary.ingested == total - Self.refused.count, "failures: \(summary.files.filter { $0.outcome == .failed })")
        #expect(summary.failed == Self.refused.count)
        for file in summary.files where file.outcome == .failed {
            #expect(Self.refused.contains((file.file as NSString).lastPathComponent), "\(file.file) failed: \(file.reason ?? "")")
            #expect(file.reason?.isEmpty == false)
        }
        #expect(try home.catalog.failures(includeResolved: false).count == Self.refused.count)

        // Types by the documented rules.
        let types: [String: AssetType] = [
            "report.pdf": .docReport, "deck.pdf": .docPresentation, "brief.pdf": .docBrief, "encrypted.pdf": .docCopy,
            "mark.ai": .designSource, "logo-dark.svg": .imageLogo, "debian.svg": .imageLogo, "banner-rle.psd": .designSource,
            "press-release.docx": .docCopy, "annual-report.docx": .docReport, "pitch-deck.pptx": .docPresentation,
            "slides.pptx": .docPresentation, "budget.xlsx": .docReport, "minutes.odt": .docCopy, "letterhead.dotx": .designTemplate,
            "libertine-subset.otf": .font, "dejavu-subset.woff2": .font, "copy-utf8.txt": .docCopy, "launch-notes.md": .docCopy,
            "preview.eps": .designSource, "pdflatex-outline.pdf": .docCopy, "orientation-landscape-1.jpg": .imagePhoto,
            "sample.mp4": .videoRaw, "with-cover-art.mp3": .audioMusic,
        ]
        for (name, type) in types {
            #expect(try asset(name, home).assetType == type, "\(name)")
        }

        // Typed columns.
        let report = try asset("report.pdf", home)
        #expect(report.pageCount == 12)
        #expect(report.wordCount == expectedWords("report.pdf"))
        #expect(report.width == 595 && report.height == 842)
        #expect(report.creator == "Ana Ribeiro")
        #expect(report.description == "How the brand did in 2024")
        let tags = try await home.sqliteCatalog!.database.writer.read { db in try SQLiteCatalog.tagNames(db, assetIDs: [report.id!])[report.id!] ?? [] }
        #expect(tags.sorted() == ["2024", "brand", "report"])
        #expect(try asset("pitch-deck.pptx", home).pageCount == 5)
        #expect(try asset("banner-rle.psd", home).layerCount == 4)
        #expect(try asset("1layer.psd", home).layerCount == 1)
        #expect(try asset("press-release.docx", home).creator == "Ana Ribeiro")
        // The words are in the index, not in the metadata document.
        guard case let .object(metadata) = report.metadata else { Issue.record("metadata is not an object"); return }
        #expect(metadata["textExtract"] == nil && metadata["document"] != nil)
        #expect(try home.catalog.indexedText(assetId: report.id!)?.body.contains("The summer sale starts") == true)
        #expect(try home.catalog.fonts(assetId: try asset("libertine-subset.otf", home).id!) == [AssetFont(family: "Linux Libertine O", role: .face)])

        // Every catalogued file shows a visual, but the encrypted PDF, which says why not.
        for file in summary.files where file.outcome == .ingested {
            let name = (file.file as NSString).lastPathComponent
            let renditions = try home.catalog.renditions(assetId: try #require(file.assetId))
            if name == "encrypted.pdf" {
                #expect(renditions.count == 3 && renditions.allSatisfy { $0.status == .failed && $0.error == "encrypted: no preview" })
                continue
            }
            #expect(renditions.count == 3 && renditions.allSatisfy { $0.status == .completed },
                    "\(name): \(renditions.filter { $0.status != .completed }.map { "\($0.renditionType.rawValue) \($0.error ?? "")" })")
        }
        // A PDF's PREVIEW is the sheet of its first pages (`pages: 4`): the 16:9 deck's three pages in a row.
        let deck = try home.catalog.renditions(assetId: try asset("deck.pdf", home).id!)
        let sheet = try #require(deck.first { $0.renditionType == .preview })
        let page = try #require(deck.first { $0.renditionType == .thumbnailMedium })
        #expect(page.width == 300 && page.height == 169)
        #expect(sheet.width == 1600 && Double(sheet.width!) / Double(sheet.height!) > 4.5, "\(sheet.width ?? 0)×\(sheet.height ?? 0)")

        // Search.
        let ranked = try names(#"text:"summer sale""#, home, sort: .byRelevance)
        #expect(Set(ranked) == ["press-release.docx", "copy-utf8.txt", "copy-latin1.txt", "banner-rle.psd", "report.pdf"], "\(ranked)")
        #expect(Set(ranked.prefix(3)) == ["press-release.docx", "copy-utf8.txt", "copy-latin1.txt"], "titles first: \(ranked)")
        #expect(ranked.last == "report.pdf", "one mention in 1300 words ranks last: \(ranked)")
        #expect(try names(#"text:"cafe creme""#, home) == ["copy-latin1.txt", "copy-utf8.txt"])
        #expect(try names("text:lisbon", home) == ["budget.xlsx", "press-release.docx"])
        #expect(try names("text:lisb* type:DOC_COPY", home) == ["press-release.docx"])
        #expect(try names("text:Фон OR text:XL_AXIS_CROSSES", home) == ["slides.pptx"])
        #expect(try names("pages:>10", home) == ["annual-report.docx", "report.pdf"])
        #expect(try names("pages:3 type:document", home) == ["deck.pdf"])
        #expect(try names("layers:>2", home) == ["banner-rle.psd"])
        #expect(try names("words:>=2500", home) == ["annual-report.docx"])
        #expect(try names(#"font:"Libertine""#, home) == ["banner-rle.psd", "libertine-subset.otf", "pitch-deck.pptx", "press-release.docx"])
        #expect(try names(#"font:"DejaVu Sans""#, home) == ["banner-rle.psd", "dejavu-subset.woff2", "press-release.docx", "report.pdf"])
        #expect(try names("type:font", home) == ["dejavu-subset.woff2", "libertine-subset.otf"])
        #expect(try names("type:logo", home) == ["debian.svg", "gnome.svg", "logo-dark.svg"])
        let creative = try names("type:document|design|font|logo", home)
        #expect(creative.count == total - Self.refused.count - 3, "all but the photo, the video and the song: \(creative)")
        #expect(try names("type:DOC_PRESENTATION", home) == ["deck.pdf", "pitch-deck.pptx", "slides.pptx"])
        let hit = try #require(try home.catalog.searchAssets(try AssetQuery.parse("name:report.pdf"), limit: 1).assets.first)
        #expect(hit.pageCount == 12 && hit.wordCount == report.wordCount)
    }

    @Test("a new version replaces the words in the index; deleting the asset removes them")
    func newVersionReplacesTheIndexedText() async throws {
        let home = try Fixtures.home(in: dir)
        let drop = dir.url.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        let file = drop.appendingPathComponent("headline.txt")
        try "Winter coats\n\nEvery coat is half price until Sunday.\n".write(to: file, atomically: true, encoding: .utf8)
        _ = try await Fixtures.ingest([drop], into: home)
        #expect(try names("text:coat", home) == ["headline.txt"])
        try "Spring jackets\n\nLight jackets for the first warm days.\n".write(to: file, atomically: true, encoding: .utf8)
        let second = try await Fixtures.ingest([drop], into: home)
        #expect(second.versions == 1)
        #expect(try names("text:coat", home).isEmpty)
        #expect(try names("text:jackets", home) == ["headline.txt"])
        let id = try asset("headline.txt", home).id!
        _ = try await home.sqliteCatalog!.database.writer.write { db in try Asset.deleteOne(db, key: id) }
        #expect(try home.catalog.indexedText(assetId: id) == nil)
    }

    private func expectedWords(_ name: String) -> Int? {
        (try? DocumentFixtures.expected(name)).flatMap { expectedInt($0, "words") }
    }
}

func expectedInt(_ entry: [String: Any], _ key: String) -> Int? {
    (entry[key] as? NSNumber)?.intValue
}
