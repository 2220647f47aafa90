internal import CMediaShim

/// The libvips loaders Stockroom lets near untrusted files. Every other loader (ImageMagick, FITS,
/// OpenEXR, Analyze, Matlab, CSV, PPM, raw, vips, OpenSlide, JPEG 2000, JPEG XL…) stays blocked
/// process-wide, so decoding can never reach it, and identification only asks allowed loaders.
/// See Docs/media.md.
enum ImageLoaderAllowlist {
    struct Loader: Sendable {
        /// libvips class name prefix, for blocking: "VipsForeignLoadJpeg".
        var loaderClass: String
        /// libvips nickname of the file loader, for sniffing: "jpegload".
        var nickname: String
        /// libvips nickname of the buffer loader: "jpegload_buffer".
        var bufferNickname: String { nickname + "_buffer" }
        /// Stockroom's format name.
        var format: String
    }

    static let always: [Loader] = [
        Loader(loaderClass: "VipsForeignLoadJpeg", nickname: "jpegload", format: "jpeg"),
        Loader(loaderClass: "VipsForeignLoadPng", nickname: "pngload", format: "png"),
        Loader(loaderClass: "VipsForeignLoadWebp", nickname: "webpload", format: "webp"),
        Loader(loaderClass: "VipsForeignLoadNsgif", nickname: "gifload", format: "gif"),
        Loader(loaderClass: "VipsForeignLoadHeif", nickname: "heifload", format: "heif"),
        Loader(loaderClass: "VipsForeignLoadTiff", nickname: "tiffload", format: "tiff"),
    ]
    static let svg = Loader(loaderClass: "VipsForeignLoadSvg", nickname: "svgload", format: "svg")
    static let pdf = Loader(loaderClass: "VipsForeignLoadPdf", nickname: "pdfload", format: "pdf")

    /// Unblocks the always-allowed loaders once per process (libvips starts with all blocked).
    static let installed: Void = {
        for loader in always {
            sr_vips_set_operation_allowed(loader.loaderClass, 1)
        }
    }()

    /// The block list is process-wide: a loader unblocked for one engine stays unblocked, and each
    /// engine still refuses formats its own configuration does not allow (`loaders(for:)`).
    static func unblock(svg allowSVG: Bool, pdf allowPDF: Bool) {
        _ = installed
        if allowSVG { sr_vips_set_operation_allowed(svg.loaderClass, 1) }
        if allowPDF { sr_vips_set_operation_allowed(pdf.loaderClass, 1) }
    }

    static func loaders(for configuration: MediaEngineConfiguration) -> [Loader] {
        always + (configuration.allowSVG ? [svg] : []) + (configuration.allowPDF ? [pdf] : [])
    }

    /// The allowed loader that recognises the file's content, if any.
    static func loader(forFileAt path: String, configuration: MediaEngineConfiguration) -> Loader? {
        loaders(for: configuration).first { sr_vips_is_a($0.nickname, path) != 0 }
    }

    /// SVG or PDF content this configuration refuses, to say so rather than "unknown format".
    static func refusedDocumentLoader(forFileAt path: String, configuration: MediaEngineConfiguration) -> Loader? {
        [svg, pdf].filter { loader in !loaders(for: configuration).contains { $0.nickname == loader.nickname } }
            .first { sr_vips_is_a($0.nickname, path) != 0 }
    }

    /// The allowed loader that recognises encoded bytes in memory (cover art), if any.
    static func loader(forBuffer buffer: UnsafeRawBufferPointer, configuration: MediaEngineConfiguration) -> Loader? {
        loaders(for: configuration).first { sr_vips_is_a_buffer($0.bufferNickname, buffer.baseAddress, buffer.count) != 0 }
    }
}
