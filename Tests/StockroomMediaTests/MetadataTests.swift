import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

@Suite("EXIF, XMP and IPTC")
struct MetadataTests {
    let engine: LibMediaEngine
    let directory = TemporaryDirectory()

    init() throws {
        engine = try LibMediaEngine()
    }

    @Test func cameraFieldsOfARealPhoto() throws {
        let exif = try #require(try engine.describe(fileAt: Corpus.file("images/iptc.jpg"), sidecar: nil).exif)
        #expect(exif.make == "Nokia")
        #expect(exif.model == "N70-1")
        #expect(exif.dateTimeOriginal == "2006:07:08 21:14:45")
        #expect(exif.offsetTimeOriginal == nil)
        // No offset in the file: read as UTC.
        #expect(exif.capturedAt == Date(timeIntervalSince1970: 1_152_393_285))
        #expect(exif.fNumber == 3.2)
        #expect(exif.iso == 125)
        let exposure = try #require(exif.exposureTime)
        #expect(abs(exposure - 0.007396) < 0.000001)
        #expect(exif.orientation == 1)
    }

    @Test func hostileValuesOfPillowsGPSFile() throws {
        // exif-gps.jpg is Pillow's stress file: real strings, absurd numbers, a latitude of
        // 4294967295° with no reference. libexif gives up on its damaged EXIF sub-IFD (exiftool
        // still finds a DateTimeOriginal there); IFD0 and the GPS IFD are read.
        let description = try engine.describe(fileAt: Corpus.file("images/exif-gps.jpg"), sidecar: nil)
        let exif = try #require(description.exif)
        #expect(exif.make == "Make")
        #expect(exif.model == "XXX-XXX")
        #expect(exif.software == "PIL")
        #expect(description.image?.width == 8)
        #expect(exif.gpsLatitude == nil, "an impossible latitude is not reported")
        #expect(exif.gpsLongitude == nil)
    }

    @Test func signedGPSAndOffsetTime() throws {
        let block = ExifFixture.tiff(
            ifd0: [(0x010F, .ascii("TestCam")), (0x0110, .ascii("Model 7")), (0x013B, .ascii("Ann Example")),
                   (0x8298, .ascii("© 2024 Ann Example")), (0x0112, .short(6))],
            exif: [(0x829A, .rationals([(1, 250)])), (0x829D, .rationals([(28, 10)])), (0x8827, .short(400)),
                   (0x9003, .ascii("2024:06:01 14:03:22")), (0x9011, .ascii("+02:00")), (0x9209, .short(0x19)),
                   (0x920A, .rationals([(50, 1)])), (0xA405, .short(75)), (0xA434, .ascii("50mm F1.8"))],
            gps: [(0x0001, .ascii("S")), (0x0002, .rationals([(33, 1), (51, 1), (5430, 100)])),
                  (0x0003, .ascii("W")), (0x0004, .rationals([(151, 1), (12, 1), (3000, 100)])),
                  (0x0005, .byte(1)), (0x0006, .rationals([(125, 10)]))]
        )
        let jpeg = GeneratedImage.jpeg(try GeneratedImage.jpeg(width: 60, height: 40), withExif: block)
        let url = directory.file("gps.jpg")
        try jpeg.write(to: url)

        let description = try engine.describe(fileAt: url, sidecar: nil)
        let exif = try #require(description.exif)
        #expect(exif.make == "TestCam")
        #expect(exif.model == "Model 7")
        #expect(exif.lensModel == "50mm F1.8")
        #expect(exif.exposureTime == 0.004)
        #expect(exif.fNumber == 2.8)
        #expect(exif.iso == 400)
        #expect(exif.focalLength == 50)
        #expect(exif.focalLength35mm == 75)
        #expect(exif.flashFired == true)
        #expect(exif.flash?.isEmpty == false)
        #expect(exif.artist == "Ann Example")
        #expect(exif.copyright == "© 2024 Ann Example")
        #expect(exif.orientation == 6)
        #expect(exif.offsetTimeOriginal == "+02:00")
        // 14:03:22 at +02:00 is 12:03:22 UTC.
        #expect(exif.capturedAt == Date(timeIntervalSince1970: 1_717_243_402))
        let latitude = try #require(exif.gpsLatitude)
        let longitude = try #require(exif.gpsLongitude)
        #expect(abs(latitude - -(33 + 51.0 / 60 + 54.3 / 3600)) < 1e-9)
        #expect(abs(longitude - -(151 + 12.0 / 60 + 30.0 / 3600)) < 1e-9)
        #expect(exif.gpsAltitude == -12.5)
        // Orientation 6 turns the 60×40 pixels upright: displayed 40×60.
        #expect(description.image?.width == 40)
        #expect(description.image?.height == 60)
    }

    @Test func exifInsideAVIFAndWebP() throws {
        let avif = try #require(try engine.describe(fileAt: Corpus.file("images/exif.avif"), sidecar: nil).exif)
        #expect(avif.orientation == 1)
        let webp = try #require(try engine.describe(fileAt: Corpus.file("images/webp-orientation-6.webp"), sidecar: nil).exif)
        #expect(webp.orientation == 6)
    }

    @Test func iptcKeywords() throws {
        let iptc = try #require(try engine.describe(fileAt: Corpus.file("images/iptc.jpg"), sidecar: nil).iptc)
        #expect(iptc.keywords == ["HvK", "2006", "summer", "July", "holiday", "Hungary", "Budapest"])
    }

    @Test func sidecarXMPWinsOverEmbedded() throws {
        let sidecar = directory.file("photo.xmp")
        try Self.sidecarXMP.write(to: sidecar, atomically: true, encoding: .utf8)
        let description = try engine.describe(fileAt: Corpus.file("images/iptc.jpg"), sidecar: sidecar)
        let xmp = try #require(description.xmp)
        #expect(xmp.keywords == ["harbour", "sunset", "ferry"])
        #expect(xmp.creators == ["Ann Example", "Bo Example"])
        #expect(xmp.rights == "© 2024 Ann Example")
        #expect(xmp.usageTerms == "Editorial use only")
        #expect(xmp.webStatement == "https://creativecommons.org/licenses/by-nc/4.0/")
        #expect(xmp.marked == true)
        #expect(xmp.title == "Harbour at dusk")
        #expect(xmp.description == "Ferries leaving the harbour")
    }

    @Test func xmpAttributeFormsAndMerge() throws {
        let embedded = try #require(XMPPacketParser.parse(Data(Self.attributeXMP.utf8)))
        #expect(embedded.webStatement == "https://example.com/licence")
        #expect(embedded.marked == false)
        #expect(embedded.keywords == ["one", "two"])
        #expect(embedded.title == "Titel")

        var sidecar = XMPInfo()
        sidecar.title = "Sidecar title"
        let merged = try #require(XMPPacketParser.merge(embedded: embedded, sidecar: sidecar))
        #expect(merged.title == "Sidecar title")
        #expect(merged.keywords == ["one", "two"])
        #expect(merged.webStatement == "https://example.com/licence")
    }

    @Test func xmpDoesNotResolveExternalEntities() throws {
        let secret = directory.file("secret.txt")
        try "TOP SECRET".write(to: secret, atomically: true, encoding: .utf8)
        let hostile = """
        <?xml version="1.0"?>
        <!DOCTYPE x [ <!ENTITY leak SYSTEM "file://\(secret.path)"> ]>
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights>&leak;</dc:rights>
        <dc:subject><rdf:Bag><rdf:li>safe</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>
        """
        let xmp = XMPPacketParser.parse(Data(hostile.utf8))
        #expect(xmp?.rights?.contains("SECRET") != true)
    }

    @Test func damagedXMPIsReadNotTrapped() throws {
        // Found by mutating corpus files: a byte that is not UTF-8 inside an element name made
        // FoundationXML trap. Now the packet is repaired, the parser errors out, nothing crashes.
        var bytes = Array(Self.sidecarXMP.utf8)
        let name = Array("rdf:Description".utf8)
        let start = try #require((0..<(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
        bytes[start + 4] = 0xCF
        _ = XMPPacketParser.parse(Data(bytes))

        // UTF-16 packets are read too.
        var utf16: [UInt8] = [0xFE, 0xFF]
        for unit in Self.sidecarXMP.utf16 { utf16 += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        #expect(XMPPacketParser.parse(Data(utf16))?.keywords == ["harbour", "sunset", "ferry"])
    }

    static let sidecarXMP = """
    <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
    <x:xmpmeta xmlns:x="adobe:ns:meta/">
     <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">
       <dc:subject><rdf:Bag><rdf:li>harbour</rdf:li><rdf:li>sunset</rdf:li><rdf:li>ferry</rdf:li></rdf:Bag></dc:subject>
       <dc:creator><rdf:Seq><rdf:li>Ann Example</rdf:li><rdf:li>Bo Example</rdf:li></rdf:Seq></dc:creator>
       <dc:rights><rdf:Alt><rdf:li xml:lang="de">© 2024 Ann Beispiel</rdf:li><rdf:li xml:lang="x-default">© 2024 Ann Example</rdf:li></rdf:Alt></dc:rights>
       <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour at dusk</rdf:li></rdf:Alt></dc:title>
       <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ferries leaving the harbour</rdf:li></rdf:Alt></dc:description>
       <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Editorial use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
       <xmpRights:WebStatement>https://creativecommons.org/licenses/by-nc/4.0/</xmpRights:WebStatement>
       <xmpRights:Marked>True</xmpRights:Marked>
      </rdf:Description>
     </rdf:RDF>
    </x:xmpmeta>
    <?xpacket end="w"?>
    """

    static let attributeXMP = """
    <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:r="http://ns.adobe.com/xap/1.0/rights/" xmlns:d="http://purl.org/dc/elements/1.1/"
       r:WebStatement="https://example.com/licence" r:Marked="False">
     <d:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two</rdf:li></rdf:Bag></d:subject>
     <d:title><rdf:Alt><rdf:li xml:lang="de">Titel</rdf:li></rdf:Alt></d:title>
    </rdf:Description></rdf:RDF></x:xmpmeta>
    """
}
