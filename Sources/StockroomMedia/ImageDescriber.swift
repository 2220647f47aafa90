import Foundation

/// Image facts and embedded metadata from a header, without decoding pixels.
enum ImageDescriber {
    static func describe(_ file: ImageFile) throws(MediaError) -> MediaDescription {
        let header = file.header
        let displayed = file.displayedSize
        var description = MediaDescription(kind: .image, format: file.format, mimeType: MediaTypes.imageMIMEType(format: file.format == "heif" ? "heic" : file.format))
        description.image = ImageInfo(
            width: displayed.width,
            height: displayed.height,
            bands: header.bands,
            bitDepth: header.bitsPerSample,
            colorSpace: header.interpretationName,
            iccProfileName: header.blob("icc-profile-data").flatMap(ICCProfileDescription.read),
            hasAlpha: header.hasAlpha,
            pageCount: header.pageCount,
            orientation: (1...8).contains(header.orientation) ? header.orientation : 1,
            format: file.format
        )
        description.exif = header.blob("exif-data").flatMap(ExifReader.read)
        description.xmp = header.blob("xmp-data").flatMap(XMPPacketParser.parse)
        description.iptc = header.blob("iptc-data").flatMap(IPTCParser.parse)
        return description
    }
}
