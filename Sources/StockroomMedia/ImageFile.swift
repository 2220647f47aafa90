import Foundation
internal import CMediaShim

/// An image file whose loader is on the allowlist and whose declared size is within the pixel
/// limit, opened lazily (header only) by libvips.
struct ImageFile {
    let path: String
    /// Stockroom's format name: "jpeg", "png", "webp", "gif", "tiff", "heif", "avif", "svg", "pdf".
    let format: String
    let header: LibvipsImage

    /// Width and height as displayed, after EXIF orientation.
    var displayedSize: PixelSize {
        let orientation = header.orientation
        return (5...8).contains(orientation)
            ? PixelSize(width: header.height, height: header.width)
            : PixelSize(width: header.width, height: header.height)
    }

    /// Opens a file already identified by `loaderFormat`, checking the pixel limit first.
    init(path: String, loaderFormat: String, configuration: MediaEngineConfiguration) throws(MediaError) {
        self.path = path
        if loaderFormat == "gif", let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe),
           let canvas = GIFCanvas.read(data) {
            try PixelLimit.check(width: canvas.width, height: canvas.height, pages: canvas.frames, limit: configuration.maxPixels)
        }
        header = try LibvipsImage.make("cannot read the \(loaderFormat) header", as: MediaError.corrupt) {
            sr_vips_open_header(path, $0)
        }
        try PixelLimit.check(width: header.width, height: header.height, pages: header.pageCount, limit: configuration.maxPixels)
        if loaderFormat == "heif" {
            // libheif reads both; the compression tells HEIC from AVIF.
            format = header.string("heif-compression") == "av1" ? "avif" : "heif"
        } else {
            format = loaderFormat
        }
    }
}
