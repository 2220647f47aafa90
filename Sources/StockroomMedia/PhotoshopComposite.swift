import Foundation

/// Decodes a Photoshop file's flattened composite (raw or PackBits RLE; 1, 8, 16 or 32 bits per
/// channel) into 8-bit planes, shrinking by a whole factor on the way by averaging boxes of
/// pixels, so memory follows the rendition size rather than the canvas. Indexed colour is looked
/// up, CMYK un-inverted (Photoshop stores 0 as full ink), 32-bit linear light encoded as sRGB.
/// A pure function of the bytes and the document read from them.
enum PhotoshopComposite {
    struct Planes: Sendable {
        var width: Int
        var height: Int
        /// Colour planes in the document's order (RGB, CMYK, L*a*b*, grey), then alpha if any.
        var planes: [[UInt8]]
        var hasAlpha: Bool
    }

    static func decode(_ document: PhotoshopDocument, bytes: Data, shrink: Int, deadline: Deadline) throws(MediaError) -> Planes {
        var reader = ByteReader(bytes, label: "PSD composite")
        try reader.seek(to: document.compositeOffset, "image data")
        let compression = try reader.uint16("composite compression")
        guard compression == 0 || compression == 1 else {
            throw .unsupportedFormat("PSD composite with ZIP compression (\(compression)) is not read")
        }
        let width = document.width
        let height = document.height
        let factor = max(1, shrink)
        let outWidth = (width + factor - 1) / factor
        let outHeight = (height + factor - 1) / factor
        let rowBytes = document.depth == 1 ? (width + 7) / 8 : width * (document.depth / 8)
        let colourChannels = document.colorMode.colourChannels
        let wantsAlpha = document.hasMergedAlpha && document.channels > colourChannels && document.colorMode != .lab
        let channelsToRead = colourChannels + (wantsAlpha ? 1 : 0)

        // RLE: a table of compressed row lengths for every row of every channel comes first.
        var rowLengths: [Int] = []
        if compression == 1 {
            let entries = document.channels * height
            let entrySize = document.isLarge ? 4 : 2
            guard entries <= reader.remaining / entrySize else { throw reader.fail("RLE row table") }
            rowLengths.reserveCapacity(channelsToRead * height)
            var total = 0
            for _ in 0..<entries {
                let length = document.isLarge ? Int(try reader.uint32("RLE row length")) : Int(try reader.uint16("RLE row length"))
                total += length
                if rowLengths.count < channelsToRead * height { rowLengths.append(length) }
            }
            // Only the rows that will be read must be present.
            let needed = rowLengths.reduce(0, +)
            guard needed <= reader.remaining else {
                throw .corrupt("PSD: the composite's RLE rows declare \(needed) bytes, \(reader.remaining) are left (\(total) in all)")
            }
        } else {
            guard channelsToRead * height <= reader.remaining / max(rowBytes, 1) else {
                throw .corrupt("PSD: the raw composite needs \(channelsToRead * height * rowBytes) bytes, \(reader.remaining) are left")
            }
        }

        let outputPlanes = document.colorMode == .indexed ? 3 + (wantsAlpha ? 1 : 0) : channelsToRead
        var planes = [[UInt8]](repeating: [], count: outputPlanes)
        var row = [UInt8](repeating: 0, count: rowBytes)
        var samples = [UInt8](repeating: 0, count: width)
        var sums: [[UInt32]] = []
        let linearToSRGB = document.depth == 32 ? Self.linearToSRGB : []

        var rowIndex = 0
        for channel in 0..<channelsToRead {
            let isAlpha = channel >= colourChannels
            let isIndexedColour = document.colorMode == .indexed && !isAlpha
            let targets = isIndexedColour ? [0, 1, 2] : [document.colorMode == .indexed ? 3 : channel]
            for target in targets { planes[target].reserveCapacity(outWidth * outHeight) }
            sums = [[UInt32]](repeating: [UInt32](repeating: 0, count: outWidth), count: targets.count)
            var rowsInBox = 0
            for y in 0..<height {
                if y % 256 == 0 { try deadline.check() }
                if compression == 1 {
                    let length = rowLengths[rowIndex]
                    rowIndex += 1
                    let packed = try reader.data(length, "RLE row")
                    try unpackBits(packed, into: &row)
                } else {
                    let raw = try reader.data(rowBytes, "raw row")
                    raw.copyBytes(to: &row, count: rowBytes)
                }
                toEightBit(row, depth: document.depth, width: width, linearToSRGB: linearToSRGB, into: &samples)
                if document.colorMode == .cmyk && !isAlpha || document.colorMode == .bitmap {
                    for x in 0..<width { samples[x] = 255 &- samples[x] }
                }
                if isIndexedColour {
                    for (component, _) in targets.enumerated() {
                        let table = document.palette[(component * 256)..<(component * 256 + 256)]
                        let base = table.startIndex
                        for x in 0..<width { sums[component][x / factor] += UInt32(table[base + Int(samples[x])]) }
                    }
                } else {
                    for x in 0..<width { sums[0][x / factor] += UInt32(samples[x]) }
                }
                rowsInBox += 1
                if rowsInBox == factor || y == height - 1 {
                    for (component, target) in targets.enumerated() {
                        for column in 0..<outWidth {
                            let columns = min(factor, width - column * factor)
                            let count = UInt32(columns * rowsInBox)
                            planes[target].append(UInt8((sums[component][column] + count / 2) / count))
                            sums[component][column] = 0
                        }
                    }
                    rowsInBox = 0
                }
            }
        }
        if document.colorMode == .indexed && !wantsAlpha { planes = Array(planes.prefix(3)) }
        return Planes(width: outWidth, height: outHeight, planes: planes, hasAlpha: wantsAlpha)
    }

    /// PackBits: a signed count n, then n+1 literal bytes (n ≥ 0) or one byte repeated 1-n times
    /// (n < 0; -128 is a no-op). Output beyond the row is an error, a short row is zero-filled.
    static func unpackBits(_ packed: Data, into row: inout [UInt8]) throws(MediaError) {
        var input = packed.startIndex
        var output = 0
        let end = packed.endIndex
        while input < end, output < row.count {
            let header = Int8(bitPattern: packed[input])
            input += 1
            if header >= 0 {
                let count = Int(header) + 1
                guard input + count <= end, output + count <= row.count else { throw .corrupt("PSD: an RLE run overflows its row") }
                for offset in 0..<count { row[output + offset] = packed[input + offset] }
                input += count
                output += count
            } else if header != -128 {
                let count = 1 - Int(header)
                guard input < end, output + count <= row.count else { throw .corrupt("PSD: an RLE run overflows its row") }
                let value = packed[input]
                input += 1
                for offset in 0..<count { row[output + offset] = value }
                output += count
            }
        }
        if output < row.count { for index in output..<row.count { row[index] = 0 } }
    }

    /// One row of big-endian samples to 8 bits: 1-bit rows expand (set bit = black ink before
    /// the bitmap inversion), 16-bit keep their high byte, 32-bit floats are clamped linear light.
    private static func toEightBit(_ row: [UInt8], depth: Int, width: Int, linearToSRGB: [UInt8], into samples: inout [UInt8]) {
        switch depth {
        case 1:
            for x in 0..<width { samples[x] = (row[x >> 3] >> (7 - UInt8(x & 7))) & 1 == 1 ? 255 : 0 }
        case 8:
            for x in 0..<width { samples[x] = row[x] }
        case 16:
            for x in 0..<width { samples[x] = row[x * 2] }
        default:
            for x in 0..<width {
                let bits = UInt32(row[x * 4]) << 24 | UInt32(row[x * 4 + 1]) << 16 | UInt32(row[x * 4 + 2]) << 8 | UInt32(row[x * 4 + 3])
                let value = Float(bitPattern: bits)
                let clamped = value.isFinite ? min(max(value, 0), 1) : 0
                samples[x] = linearToSRGB[Int(clamped * 4095)]
            }
        }
    }

    /// 4096 steps of linear light to 8-bit sRGB.
    private static let linearToSRGB: [UInt8] = (0..<4096).map { step in
        let linear = Double(step) / 4095
        let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
        return UInt8(max(0, min(255, (encoded * 255).rounded())))
    }
}
