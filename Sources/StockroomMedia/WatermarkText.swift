import Foundation
internal import CMediaShim

/// Text marks drawn once per process and scaled for each rendition.
///
/// Text goes through Pango, which libvips 8.14 drives with the calling thread's default font map:
/// each thread that lays out text gets its own font map with its own fontconfig helper threads,
/// and the map is destroyed when that thread exits. Layouts from several workers, or from a thread
/// that later exits (a dispatch worker does when idle), crash Pango with SIGFPE in
/// g_hash_table_lookup (libvips issue #3660; an ingest of 10 000 watermarked files died after
/// ~400, and the test suite now and then). So every text is laid out on `TextLayoutThread`, once
/// per text at a reference size, and each rendition scales that mask.
enum WatermarkText {
    /// Box the mask is fitted into: this width, a quarter of it high. Larger marks re-render.
    static let referenceWidth = 1600

    private static let masks = MaskCache()

    /// White text with a drop shadow at `opacity`, fitted into `width` × `width`/4.
    static func overlay(_ text: String, width: Int, opacity: Double) throws(MediaError) -> LibvipsImage {
        let (mask, maskWidth) = try masks.mask(for: text, atLeast: width)
        return try LibvipsImage.make("watermark text") {
            sr_vips_text_overlay(mask.pointer, $0, Double(width) / Double(maskWidth), opacity)
        }
    }

    private final class MaskCache: @unchecked Sendable {
        private let lock = NSLock()
        private var masks: [String: (image: LibvipsImage, width: Int)] = [:]

        func mask(for text: String, atLeast width: Int) throws(MediaError) -> (LibvipsImage, Int) {
            lock.lock()
            defer { lock.unlock() }
            if let cached = masks[text], cached.width >= width { return cached }
            let boxWidth = max(width, WatermarkText.referenceWidth)
            let image = try TextLayoutThread.shared.run { () throws(MediaError) -> LibvipsImage in
                try LibvipsImage.make("watermark text") { sr_vips_text_mask($0, text, Int32(boxWidth)) }
            }
            masks[text] = (image, boxWidth)
            return (image, boxWidth)
        }
    }
}
