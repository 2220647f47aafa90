import Foundation
@testable import StockroomMedia
import CMediaShim
import CVips
import StockroomTestSupport

/// Rendered bytes decoded back by libvips, to check what a rendition really contains.
struct DecodedImage {
    let image: LibvipsImage

    init(_ data: Data, in directory: TemporaryDirectory) throws {
        let file = directory.file(UUID().uuidString)
        try data.write(to: file)
        image = try LibvipsImage.make("decode rendition") { sr_vips_open_file(file.path, $0) }
    }

    var width: Int { image.width }
    var height: Int { image.height }
    var bands: Int { image.bands }
    var colorSpace: String { image.interpretationName }
    var fieldNames: [String] { image.fieldNames }

    /// Mean pixel value of each cell of a `columns` × `rows` grid, row by row: a fingerprint of
    /// which way up the picture is.
    func gridMeans(columns: Int = 3, rows: Int = 3) throws -> [Double] {
        var means: [Double] = []
        let cellWidth = image.width / columns
        let cellHeight = image.height / rows
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = try LibvipsImage.make("crop") {
                    sr_vips_crop(image.pointer, $0, Int32(column * cellWidth), Int32(row * cellHeight), Int32(cellWidth), Int32(cellHeight))
                }
                var mean = 0.0
                guard sr_vips_average(cell.pointer, &mean) == 0 else { throw MediaError.vips(LibvipsError.take()) }
                means.append(mean)
            }
        }
        return means
    }

    func mean() throws -> Double {
        var mean = 0.0
        guard sr_vips_average(image.pointer, &mean) == 0 else { throw MediaError.vips(LibvipsError.take()) }
        return mean
    }
}

/// A small JPEG made with libvips, for tests that splice metadata into a known image.
enum GeneratedImage {
    static func jpeg(width: Int, height: Int, grey: UInt8 = 128) throws -> Data {
        let pixels = [UInt8](repeating: grey, count: width * height * 3)
        let image = try LibvipsImage.make("pixels") { output in
            pixels.withUnsafeBytes { sr_vips_image_from_pixels($0.baseAddress, Int32(width), Int32(height), 3, output) }
        }
        return try RenditionEncoder.encode(image, format: .jpeg, quality: 90, strip: true, deadline: Deadline(seconds: 60))
    }

    /// Inserts an APP1 EXIF segment right after the JPEG's SOI marker.
    static func jpeg(_ jpeg: Data, withExif block: Data) -> Data {
        var exif = block
        if !exif.starts(with: Array("Exif".utf8) + [0, 0]) { exif = Data(Array("Exif".utf8) + [0, 0]) + exif }
        let length = exif.count + 2
        var result = Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)])
        result.append(exif)
        result.append(jpeg.dropFirst(2))
        return result
    }
}
