import Foundation
import Testing
@testable import StockroomCore
import StockroomMedia

@Suite("Query terms for documents, design files and fonts")
struct DocumentQueryTests {
    func parse(_ text: String) throws -> QueryExpression? { try AssetQuery.parse(text).expression }

    @Test func newFieldsAreTyped() throws {
        #expect(try parse(#"text:"summer sale""#) == .term(.fullText("summer sale")))
        #expect(try parse("pages:>10") == .term(.pages(.greater, 10)))
        #expect(try parse("words:<=500") == .term(.words(.lessOrEqual, 500)))
        #expect(try parse("layers:>5") == .term(.layers(.greater, 5)))
        #expect(try parse(#"font:"Libertine""#) == .term(.font("Libertine")))
        #expect(try parse("type:logo") == .term(.type([.imageLogo])))
        #expect(try parse("type:font|logo") == .term(.type([.font, .imageLogo])))
        let documents = AssetType.allCases.filter { $0.family == "document" }
        let designs = AssetType.allCases.filter { $0.family == "design" }
        #expect(try parse("type:document|design") == .term(.type(documents + designs)))
        #expect(try parse("type:doc|DOC_COPY") == .term(.type(documents)))
    }

    @Test func badValuesNameTheField() {
        for query in ["pages:>many", "layers:-1", "type:document|poster", "text:\"...\""] {
            #expect(throws: QuerySyntaxError.self, "\(query)") { try AssetQuery.parse(query) }
        }
    }

    @Test func fullTextValuesAreAlwaysOnePhraseNeverFTS5Syntax() throws {
        #expect(FullTextQuery.match("summer sale") == #""summer sale""#)
        #expect(FullTextQuery.match(#"say "hi""#) == #""say ""hi""""#)
        #expect(FullTextQuery.match("AND") == #""AND""#)
        #expect(FullTextQuery.match("summ*") == #""summ"*"#)
        #expect(FullTextQuery.rankingMatch(try? parse("text:a -text:b tag:x")) == #""a""#)
        #expect(FullTextQuery.rankingMatch(try? parse("tag:x")) == nil)
        #expect(try AssetQuery.parse("text:a").hasFullTextTerms)
    }

    @Test func fullTextQueriesRunAgainstTheIndex() throws {
        let fixture = try QueryFixture()
        let library = try fixture.library("copy")
        let sale = try fixture.asset("sale.txt", in: library, type: .docCopy)
        let other = try fixture.asset("other.txt", in: library, type: .docCopy)
        try fixture.sqlite.writer.write { db in
            var draft = AssetDraft(description: MediaDescriptionFixture.text, fileName: "sale.txt", blobHash: "x", byteSize: 1)
            draft.indexedTitle = "Summer sale"
            draft.indexedText = "Everything must go: the summer sale ends on Sunday. AND or NOT are words here."
            try SQLiteCatalog.indexContent(db, assetId: sale.id!, draft: draft)
            draft.indexedTitle = "Notes"
            draft.indexedText = "A sale in the summer, words apart."
            draft.fonts = [AssetFont(family: "Linux Libertine O", role: .used)]
            try SQLiteCatalog.indexContent(db, assetId: other.id!, draft: draft)
        }
        #expect(try fixture.names(#"text:"summer sale""#) == ["sale.txt"])
        #expect(try fixture.names("text:summer") == ["other.txt", "sale.txt"])
        #expect(try fixture.names("text:AND") == ["sale.txt"])
        #expect(try fixture.names(#"text:"ends on" OR text:apart"#) == ["other.txt", "sale.txt"])
        #expect(try fixture.names("-text:apart type:DOC_COPY") == ["sale.txt"])
        #expect(try fixture.names(#"font:"libertine o""#) == ["other.txt"])
        #expect(try fixture.names("font:linuxlibertine") == ["other.txt"])
        let ranked = try fixture.catalog.searchAssets(try AssetQuery.parse("text:summer"), sort: .byRelevance, limit: nil, now: QueryFixture.now)
        #expect(ranked.assets.map(\.name) == ["sale.txt", "other.txt"], "the title match first")
        // Relevance without text terms falls back to id order.
        let plain = try fixture.catalog.searchAssets(try AssetQuery.parse("type:DOC_COPY"), sort: .byRelevance, limit: nil, now: QueryFixture.now)
        #expect(plain.assets.map(\.name) == ["sale.txt", "other.txt"])
    }
}

enum MediaDescriptionFixture {
    static var text: MediaDescription {
        var description = MediaDescription(kind: .document, format: "text", mimeType: "text/plain")
        description.document = DocumentInfo()
        return description
    }
}
