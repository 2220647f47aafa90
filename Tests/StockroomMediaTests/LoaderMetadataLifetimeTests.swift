import Foundation
import Testing
@testable import StockroomMedia
import StockroomTestSupport

/// libvips 8.14.1's HEIF loader attaches the EXIF/XMP blocks of HEIC/AVIF files as blobs that
/// point into memory the loader owns; vips_thumbnail drops its header loader after the reload, so
/// the thumbnail's copies of those blobs dangle. Valgrind saw webpsave's EXIF update read 190
/// freed bytes of `exif.avif` (Docs/security.md). The decoded base every rendition is cut from
/// must carry none of the loader's blobs, and every blob it does carry must be readable (under
/// scripts/sanitize, ASan checks the copy).
@Suite("Loader metadata lifetime")
struct LoaderMetadataLifetimeTests {
    static let files: [URL] = [Corpus.file("images/exif.avif")]
        + AwkwardMedia.entries.filter { $0.file.hasSuffix(".avif") }.map(\.url)

    @Test("the decoded base holds no blob that outlives its loader", arguments: files)
    func decodedBaseBlobs(_ url: URL) throws {
        // Initialises libvips and unblocks the loaders.
        let configuration = try LibMediaEngine().configuration
        let file = try ImageFile(path: url.path, loaderFormat: "heif", configuration: configuration)
        let source = try VisualSource.image(file, recipes: [RenditionRecipe(name: "T", width: 64)], deadline: Deadline(seconds: 60))
        for field in ["exif-data", "xmp-data", "iptc-data"] {
            #expect(!source.base.has(field), "\(url.lastPathComponent): the base still carries \(field)")
        }
        for field in source.base.fieldNames {
            if let blob = source.base.blob(field) {
                #expect(!blob.isEmpty)
            }
        }
        // The header the description reads keeps its loader alive: its EXIF is still there.
        if url.lastPathComponent == "exif.avif" {
            #expect(file.header.blob("exif-data").flatMap(ExifReader.read) != nil)
        }
    }
}
