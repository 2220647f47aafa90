import Foundation
import Testing
@testable import StockroomCore

@Suite("Query language: lexer and parser")
struct QueryParserTests {
    func parse(_ text: String) throws -> QueryExpression? { try AssetQuery.parse(text).expression }

    func error(_ text: String) -> QuerySyntaxError? {
        do {
            _ = try AssetQuery.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("terms are ANDed by default; OR binds looser than AND; NOT and - bind tightest")
    func precedence() throws {
        #expect(try parse("tag:a tag:b OR tag:c") == .or([.and([.term(.tag("a")), .term(.tag("b"))]), .term(.tag("c"))]))
        #expect(try parse("tag:a AND tag:b OR tag:c AND tag:d")
            == .or([.and([.term(.tag("a")), .term(.tag("b"))]), .and([.term(.tag("c")), .term(.tag("d"))])]))
        #expect(try parse("tag:a (tag:b OR tag:c)") == .and([.term(.tag("a")), .or([.term(.tag("b")), .term(.tag("c"))])]))
        #expect(try parse("-tag:a tag:b") == .and([.not(.term(.tag("a"))), .term(.tag("b"))]))
        #expect(try parse("NOT tag:a OR tag:b") == .or([.not(.term(.tag("a"))), .term(.tag("b"))]))
        #expect(try parse("NOT (tag:a OR tag:b)") == .not(.or([.term(.tag("a")), .term(.tag("b"))])))
        #expect(try parse("NOT NOT tag:a") == .not(.not(.term(.tag("a")))))
        #expect(try parse("") == nil)
        #expect(try parse("   ") == nil)
    }

    @Test("quotes keep spaces and operators literal; lower-case or is a word")
    func quoting() throws {
        #expect(try parse("camera:\"Canon EOS 5D\"") == .term(.camera("Canon EOS 5D")))
        #expect(try parse("\"summer OR winter\"") == .term(.text("summer OR winter")))
        #expect(try parse("\"OR\"") == .term(.text("OR")))
        #expect(try parse("red or blue") == .and([.term(.text("red")), .term(.text("or")), .term(.text("blue"))]))
        #expect(try parse("copyright:\"say \\\"hi\\\"\"") == .term(.copyright("say \"hi\"")))
        #expect(try parse("copyright:none") == .term(.copyright(nil)))
        #expect(try parse("copyright:\"none\"") == .term(.copyright("none")))
        #expect(try parse("tag:\"  Brand / Logo \"") == .term(.tag("brand/logo")))
    }

    @Test("field values are typed and validated")
    func fields() throws {
        #expect(try parse("type:image") == .term(.type(AssetType.allCases.filter { $0.family == "image" })))
        #expect(try parse("type:IMAGE_PHOTO") == .term(.type([.imagePhoto])))
        #expect(try parse("type:video_raw") == .term(.type([.videoRaw])))
        #expect(try parse("folder:/Campaigns/Summer") == .term(.folder(path: "/campaigns/summer", subtree: false)))
        #expect(try parse("folder:/campaigns/**") == .term(.folder(path: "/campaigns", subtree: true)))
        #expect(try parse("library:brand-assets") == .term(.library(slug: "brand-assets")))
        #expect(try parse("name:*.jpg") == .term(.name(glob: "*.jpg")))
        #expect(try parse("status:approved") == .term(.status(.approved)))
        #expect(try parse("license:royalty_free") == .term(.license(.royaltyFree)))
        #expect(try parse("license:none") == .term(.license(nil)))
        #expect(try parse("expires:<30d") == .term(.expires(.less, .offset(seconds: 30 * 86_400))))
        #expect(try parse("expires:<2026-12-31") == .term(.expires(.less, .day(year: 2026, month: 12, day: 31))))
        #expect(try parse("expires:expired") == .term(.expired))
        #expect(try parse("captured:>=2024-01-01") == .term(.captured(.greaterOrEqual, .day(year: 2024, month: 1, day: 1))))
        #expect(try parse("width:>=3000") == .term(.width(.greaterOrEqual, 3000)))
        #expect(try parse("height:1080") == .term(.height(.equal, 1080)))
        #expect(try parse("duration:>60") == .term(.duration(.greater, 60)))
        #expect(try parse("collection:Summer-Picks") == .term(.collection(slug: "summer-picks")))
        #expect(try parse("tag:Brand/Logo") == .term(.tag("brand/logo")))
    }

    @Test("syntax errors name the column and what was expected")
    func errors() {
        let unclosed = error("tag:a (tag:b OR tag:c")
        #expect(unclosed?.column == 22)
        #expect(unclosed?.expected == "\")\" to close the \"(\" at column 7")
        #expect(unclosed?.found == "end of query")

        let stray = error("tag:a ) tag:b")
        #expect(stray?.column == 7)
        #expect(stray?.found == "\")\"")

        let danglingOr = error("tag:a OR")
        #expect(danglingOr?.column == 9)
        #expect(danglingOr?.found == "end of query")
        #expect(danglingOr?.expected.hasPrefix("a term") == true)

        let badWidth = error("type:image width:>=wide")
        #expect(badWidth?.column == 12)
        #expect(badWidth?.found == "\"width:>=wide\"")
        #expect(badWidth?.description == "query syntax error at column 12: expected a comparison with a whole number of pixels (>=3000), found \"width:>=wide\"")

        let unknownField = error("colour:red")
        #expect(unknownField?.column == 1)
        #expect(unknownField?.found == "unknown field \"colour:\"")

        let openQuote = error("tag:a \"summer")
        #expect(openQuote?.column == 7)
        #expect(error("status:lost")?.column == 1)
        #expect(error("license:stolen")?.column == 1)
        #expect(error("expires:<soon")?.column == 1)
        #expect(error("expires:<2026-02-30")?.column == 1)
        #expect(error("tag:a ()")?.column == 8)
        #expect(error("tag:")?.expected == "a value after \"tag:\"")
        #expect(error("a - b")?.column == 3)
    }
}
