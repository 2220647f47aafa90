import Foundation
@testable import StockroomMedia
import CMediaShim
import CRenditionTestSupport
import CVips

/// Photo-like pictures made by the tests (`sr_test_photo`): slow colour waves, hard-edged shapes,
/// fine line patterns and per-pixel grain, so resampling and DCT scaling have real detail to get
/// right, and one skin-toned subject off centre for the attention crop to find.
enum TestPhoto {
    static func image(width: Int, height: Int, seed: UInt32, subject: (x: Double, y: Double)) throws -> LibvipsImage {
        try LibvipsImage.make("test photo") { sr_test_photo($0, Int32(width), Int32(height), seed, subject.x, subject.y) }
    }

    /// The picture as a JPEG at quality 92, as a camera writes it.
    static func jpeg(width: Int, height: Int, seed: UInt32, subject: (x: Double, y: Double)) throws -> Data {
        try RenditionEncoder.encode(try image(width: width, height: height, seed: seed, subject: subject),
                                    format: .jpeg, quality: 92, strip: true, deadline: Deadline(seconds: 120))
    }

    static func png(width: Int, height: Int, seed: UInt32, subject: (x: Double, y: Double)) throws -> Data {
        try RenditionEncoder.encode(try image(width: width, height: height, seed: seed, subject: subject),
                                    format: .png, quality: 100, strip: true, deadline: Deadline(seconds: 120))
    }
}

/// An encoded rendition decoded into memory, to measure how far two renditions are apart.
struct RenditionPixels {
    let image: LibvipsImage

    init(_ data: Data) throws {
        image = try data.withUnsafeBytes { buffer in
            try LibvipsImage.make("decode rendition") { sr_vips_open_buffer_header(buffer.baseAddress, buffer.count, $0) }
                .inMemory(deadline: Deadline(seconds: 60)) { .vips($0) }
        }
    }

    var width: Int { image.width }
    var height: Int { image.height }

    /// Mean absolute difference of every sample, 0–255.
    func meanAbsoluteDifference(to other: RenditionPixels) throws -> Double {
        var mean = 0.0
        guard sr_test_mean_abs_difference(image.pointer, other.image.pointer, &mean) == 0 else {
            throw MediaError.vips("difference: \(LibvipsError.take())")
        }
        return mean
    }

    /// Mean absolute four-neighbour Laplacian inside the border: the energy of the finest detail,
    /// which a blurrier resample loses first.
    func highFrequencyEnergy() throws -> Double {
        var energy = 0.0
        guard sr_test_high_frequency_energy(image.pointer, &energy) == 0 else {
            throw MediaError.vips("high-frequency energy: \(LibvipsError.take())")
        }
        return energy
    }
}
