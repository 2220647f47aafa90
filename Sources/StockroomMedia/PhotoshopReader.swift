import Foundation

/// Reads a Photoshop file's structure from its bytes: every length is checked against what is
/// left of the file, counts against the limits, and nothing is allocated from a declared size
/// before the bytes for it are known to be there. A pure function: bytes in, a document or a
/// thrown `MediaError` out (the entry point for fuzzing).
enum PhotoshopReader {
    static func read(_ bytes: Data, limits: DocumentLimits, maxPixels: Int) throws(MediaError) -> PhotoshopDocument {
        var reader = ByteReader(bytes, label: "PSD")
        guard try reader.ascii(4, "signature") == "8BPS" else { throw .corrupt("PSD: no 8BPS signature") }
        let version = try reader.uint16("version")
        guard version == 1 || version == 2 else { throw .corrupt("PSD: unknown version \(version)") }
        let isLarge = version == 2
        try reader.skip(6, "reserved bytes")
        let channels = Int(try reader.uint16("channel count"))
        let height = Int(try reader.uint32("height"))
        let width = Int(try reader.uint32("width"))
        let depth = Int(try reader.uint16("depth"))
        let modeValue = Int(try reader.uint16("colour mode"))
        let maxSide = isLarge ? 300_000 : 30_000
        guard (1...56).contains(channels) else { throw .corrupt("PSD: \(channels) channels (1 to 56 allowed)") }
        guard (1...maxSide).contains(width), (1...maxSide).contains(height) else {
            throw .corrupt("PSD: size \(width)×\(height) outside 1…\(maxSide)")
        }
        guard [1, 8, 16, 32].contains(depth) else { throw .corrupt("PSD: \(depth) bits per channel") }
        guard let mode = PhotoshopDocument.ColorMode(rawValue: modeValue) else { throw .corrupt("PSD: unknown colour mode \(modeValue)") }
        guard channels >= mode.colourChannels else {
            throw .corrupt("PSD: \(mode.name) needs \(mode.colourChannels) channels, the file has \(channels)")
        }
        try PixelLimit.check(width: width, height: height, pages: 1, limit: maxPixels)

        let colourDataLength = try reader.length(wide: false, "colour mode data length")
        let colourData = try reader.data(colourDataLength, "colour mode data")

        var document = PhotoshopDocument(isLarge: isLarge, channels: channels, width: width, height: height, depth: depth,
                                         colorMode: mode, compositeOffset: 0)
        if mode == .indexed {
            guard colourData.count >= 768 else { throw .corrupt("PSD: indexed colour without a 768-byte palette") }
            document.palette = [UInt8](colourData.prefix(768))
        }

        let resourcesLength = try reader.length(wide: false, "image resources length")
        var resources = try reader.slice(resourcesLength, "image resources")
        try readResources(&resources, into: &document)

        let layerSectionLength = try reader.length(wide: isLarge, "layer and mask section length")
        var layerSection = try reader.slice(layerSectionLength, "layer and mask section")
        if layerSectionLength > 0 {
            try readLayerSection(&layerSection, into: &document, limits: limits)
        }
        document.compositeOffset = reader.offset
        return document
    }

    // MARK: image resources

    private static let resourceSignatures: Set<String> = ["8BIM", "MeSa", "AgHg", "PHUT", "DCSR"]

    private static func readResources(_ reader: inout ByteReader, into document: inout PhotoshopDocument) throws(MediaError) {
        while reader.remaining >= 12 {
            guard resourceSignatures.contains(try reader.ascii(4, "resource signature")) else { return }
            let id = try reader.uint16("resource id")
            let nameLength = Int(try reader.uint8("resource name length"))
            try reader.skip(nameLength + ((nameLength + 1) % 2), "resource name")
            let size = try reader.length(wide: false, "resource \(id) size")
            let data = try reader.data(size, "resource \(id)")
            if size % 2 == 1, reader.remaining > 0 { try reader.skip(1, "resource padding") }
            switch id {
            case 1005: document.resolution = resolution(data)
            case 1033, 1036:
                if document.thumbnail == nil || id == 1036, let jpeg = thumbnailJPEG(data) {
                    document.thumbnail = jpeg
                    document.thumbnailIsBGR = id == 1033
                }
            case 1039: document.icc = data
            case 1028: document.iptc = data
            case 1058: document.exif = data
            case 1060: document.xmp = data
            case 1057: readVersionInfo(data, into: &document)
            default: break
            }
        }
    }

    /// Horizontal resolution as a 16.16 fixed-point number, in pixels per inch (or per cm, unit 2).
    private static func resolution(_ data: Data) -> Double? {
        var reader = ByteReader(data, label: "PSD resolution")
        guard let fixed = try? reader.uint32("resolution"), let unit = try? reader.uint16("unit") else { return nil }
        let value = Double(fixed) / 65536
        guard value > 0, value.isFinite, value < 1_000_000 else { return nil }
        return unit == 2 ? value * 2.54 : value
    }

    /// The JFIF bytes after the 28-byte thumbnail header (format 1 = JPEG).
    private static func thumbnailJPEG(_ data: Data) -> Data? {
        var reader = ByteReader(data, label: "PSD thumbnail")
        guard let format = try? reader.uint32("format"), format == 1, data.count > 28 else { return nil }
        let jpeg = data.subdata(in: (data.startIndex + 28)..<data.endIndex)
        return jpeg.starts(with: [0xFF, 0xD8]) ? jpeg : nil
    }

    private static func readVersionInfo(_ data: Data, into document: inout PhotoshopDocument) {
        var reader = ByteReader(data, label: "PSD version info")
        guard (try? reader.uint32("version")) != nil, let merged = try? reader.uint8("merged flag") else { return }
        document.hasRealMergedData = merged != 0
        document.writerName = try? unicodeString(&reader, "writer name")
    }

    /// A 4-byte count of UTF-16BE code units, then the units (a trailing NUL dropped).
    static func unicodeString(_ reader: inout ByteReader, _ what: String) throws(MediaError) -> String {
        let count = Int(try reader.uint32("\(what) length"))
        guard count <= reader.remaining / 2 else { throw reader.fail(what) }
        let raw = try reader.data(count * 2, what)
        var units: [UInt16] = []
        units.reserveCapacity(count)
        var index = raw.startIndex
        while index + 1 < raw.endIndex {
            units.append(UInt16(raw[index]) << 8 | UInt16(raw[index + 1]))
            index += 2
        }
        while units.last == 0 { units.removeLast() }
        return String(decoding: units, as: UTF16.self)
    }

    // MARK: layers

    /// Keys whose length is 8 bytes in a PSB file.
    private static let wideKeys: Set<String> = ["LMsk", "Lr16", "Lr32", "Layr", "Mt16", "Mt32", "Mtrn", "Alph", "FMsk", "lnk2",
                                                "FEid", "FXid", "PxSD"]

    private static func readLayerSection(_ section: inout ByteReader, into document: inout PhotoshopDocument,
                                         limits: DocumentLimits) throws(MediaError) {
        let infoLength = try section.length(wide: document.isLarge, "layer info length")
        var info = try section.slice(infoLength, "layer info")
        if infoLength > 0 {
            try readLayerInfo(&info, into: &document, limits: limits)
        }
        guard section.remaining >= 4 else { return }
        let maskLength = try section.length(wide: false, "global layer mask length")
        try section.skip(maskLength, "global layer mask")
        // 16- and 32-bit documents keep their layers in an Lr16/Lr32 block here.
        try forEachTaggedBlock(&section, isLarge: document.isLarge) { key, block throws(MediaError) in
            if ["Lr16", "Lr32", "Layr"].contains(key), document.layerRecordCount == 0, block.count > 2 {
                var nested = block
                try readLayerInfo(&nested, into: &document, limits: limits)
            }
        }
    }

    private static func readLayerInfo(_ info: inout ByteReader, into document: inout PhotoshopDocument,
                                      limits: DocumentLimits) throws(MediaError) {
        let declared = Int(try info.int16("layer count"))
        document.hasMergedAlpha = declared < 0
        let count = abs(declared)
        guard count <= limits.maxLayers else { throw .corrupt("PSD: \(count) layers, over the limit of \(limits.maxLayers)") }
        document.layerRecordCount = count
        let channelEntry = 2 + (document.isLarge ? 8 : 4)
        for index in 0..<count {
            try info.skip(16, "layer \(index + 1) bounds")
            let channels = Int(try info.uint16("layer \(index + 1) channel count"))
            guard channels <= 56 else { throw .corrupt("PSD: layer \(index + 1) declares \(channels) channels") }
            try info.skip(channels * channelEntry, "layer \(index + 1) channel table")
            guard try info.ascii(4, "layer \(index + 1) blend signature") == "8BIM" else {
                throw .corrupt("PSD: layer \(index + 1) has no 8BIM blend signature")
            }
            try info.skip(8, "layer \(index + 1) blend mode, opacity and flags")
            let extraLength = try info.length(wide: false, "layer \(index + 1) extra data length")
            var extra = try info.slice(extraLength, "layer \(index + 1) extra data")
            if let layer = try readLayerExtra(&extra, into: &document) {
                document.layers.append(layer)
            }
        }
        // The layers' own pixels follow; the composite is enough for renditions.
    }

    /// One layer's mask, blending ranges, name and tagged blocks. Nil for the hidden marker
    /// that closes a group.
    private static func readLayerExtra(_ extra: inout ByteReader, into document: inout PhotoshopDocument) throws(MediaError) -> PhotoshopDocument.Layer? {
        let maskLength = try extra.length(wide: false, "layer mask length")
        try extra.skip(maskLength, "layer mask")
        let rangesLength = try extra.length(wide: false, "blending ranges length")
        try extra.skip(rangesLength, "blending ranges")
        let nameLength = Int(try extra.uint8("layer name length"))
        let legacyName = try extra.data(nameLength, "layer name")
        let padding = (4 - (nameLength + 1) % 4) % 4
        try extra.skip(min(padding, extra.remaining), "layer name padding")
        var name = String(data: legacyName, encoding: .macOSRoman) ?? String(decoding: legacyName, as: UTF8.self)
        var kind = PhotoshopDocument.Layer.Kind.pixel
        var isArtboard = false
        var isGroupEnd = false
        try forEachTaggedBlock(&extra, isLarge: document.isLarge) { key, block throws(MediaError) in
            var block = block
            switch key {
            case "luni":
                if let unicode = try? unicodeString(&block, "Unicode layer name"), !unicode.isEmpty { name = unicode }
            case "lsct", "lsdk":
                if let type = try? block.uint32("section type") {
                    if type == 1 || type == 2 { kind = .group }
                    if type == 3 { isGroupEnd = true }
                }
            case "TySh":
                kind = .text
                let text = PhotoshopTypeLayer.read(block.rest)
                if let contents = text.contents, !contents.isEmpty { document.texts.append(contents) }
                for font in text.fonts where !document.fonts.contains(font) { document.fonts.append(font) }
            case "SoLd", "PlLd", "SoLE":
                if kind == .pixel { kind = .smartObject }
            case "artb", "artd", "abdd":
                isArtboard = true
            default:
                break
            }
        }
        return isGroupEnd ? nil : PhotoshopDocument.Layer(name: name, kind: kind, isArtboard: isArtboard)
    }

    /// Walks "8BIM"/"8B64" key-length-data blocks until the bytes end or stop looking like blocks
    /// (writers disagree on padding; an unreadable tail loses only these optional blocks).
    static func forEachTaggedBlock(_ reader: inout ByteReader, isLarge: Bool,
                                   _ body: (String, ByteReader) throws(MediaError) -> Void) throws(MediaError) {
        while reader.remaining >= 12 {
            let start = reader.offset
            let signature = try reader.ascii(4, "block signature")
            guard signature == "8BIM" || signature == "8B64" else {
                // Skip up to three bytes of padding written after the previous block.
                var resumed = false
                for pad in 1...3 where start + pad + 4 <= reader.count {
                    var probe = reader
                    try probe.seek(to: start + pad, "block padding")
                    let candidate = try probe.ascii(4, "block signature")
                    if candidate == "8BIM" || candidate == "8B64" {
                        try reader.seek(to: start + pad, "block padding")
                        resumed = true
                        break
                    }
                }
                if resumed { continue }
                return
            }
            let key = try reader.ascii(4, "block key")
            let wide = isLarge && wideKeys.contains(key)
            let declared = wide ? try reader.uint64("block \(key) length") : UInt64(try reader.uint32("block \(key) length"))
            guard declared <= UInt64(reader.remaining) else { return }
            let block = try reader.slice(Int(declared), "block \(key)")
            try body(key, block)
        }
    }
}
