import Foundation
internal import CMediaShim

/// The creator and copyright a derivative keeps when its recipe says `keepCopyright`: taken from
/// EXIF, else XMP, else IPTC, and written as a fresh two-field EXIF block. Nothing else of the
/// original's metadata (GPS, camera serials, XMP history, thumbnails) is carried over.
struct DerivativeRights: Equatable {
    var artist: String?
    var copyright: String?

    init?(description: MediaDescription) {
        artist = description.exif?.artist
            ?? description.xmp?.creators.first
            ?? description.iptc?.byline
            ?? description.av?.tags["artist"]
        copyright = description.exif?.copyright
            ?? description.xmp?.rights
            ?? description.iptc?.copyrightNotice
            ?? description.av?.tags["copyright"]
        if artist == nil && copyright == nil { return nil }
    }

    /// The serialised EXIF block ("Exif\0\0" + TIFF) holding Artist and Copyright only.
    func exifBlock() -> Data? {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length: UInt32 = 0
        let status = sr_exif_build_rights(artist, copyright, &bytes, &length)
        guard status == 0, let bytes else { return nil }
        defer { free(bytes) }
        return Data(bytes: bytes, count: Int(length))
    }
}
