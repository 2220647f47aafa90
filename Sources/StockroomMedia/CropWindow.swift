internal import CVips
internal import CMediaShim

/// Where a `.cover` rendition is cut from the picture scaled to `covering`, found on a copy of the
/// whole picture (the probe). For attention the probe is small rather than the covering image
/// itself: the search reads every pixel of its input, and a probe of a few hundred pixels costs a
/// hundredth of a 1620 × 1080 covering image while giving the same window. Entropy is searched on
/// the covering image (the probe is the covering image), centre on none.
enum CropWindow {
    /// libvips (8.14, `smartcrop.c`) reduces its input to this many cells across and down, finds
    /// the most interesting cell, and reports its corner scaled back to the input, truncated.
    static let attentionGrid = 32

    /// Top-left corner of the `target` window within `covering`.
    static func origin(_ strategy: RenditionRecipe.CropStrategy, target: PixelSize, covering: PixelSize,
                       probe: LibvipsImage?) throws(MediaError) -> (x: Int, y: Int) {
        let free = (x: max(0, covering.width - target.width), y: max(0, covering.height - target.height))
        guard let probe, strategy != .centre, free.x > 0 || free.y > 0 else {
            return (free.x / 2, free.y / 2)
        }
        // The window at the probe's scale.
        let window = PixelSize(
            width: min(probe.width, max(1, Int((Double(target.width) * Double(probe.width) / Double(covering.width)).rounded()))),
            height: min(probe.height, max(1, Int((Double(target.height) * Double(probe.height) / Double(covering.height)).rounded()))))
        var left: Int32 = 0, top: Int32 = 0, attentionX: Int32 = 0, attentionY: Int32 = 0
        guard sr_vips_crop_window(probe.pointer, Int32(window.width), Int32(window.height), strategy.vipsInteresting,
                                  &left, &top, &attentionX, &attentionY) == 0 else {
            throw .vips("find the \(strategy.rawValue) crop: \(LibvipsError.take())")
        }
        switch strategy {
        case .attention:
            // Centred on the attention point, as libvips centres its window.
            let x = point(Int(attentionX), across: probe.width, scaledTo: covering.width)
            let y = point(Int(attentionY), across: probe.height, scaledTo: covering.height)
            return (min(free.x, max(0, x - target.width / 2)), min(free.y, max(0, y - target.height / 2)))
        case .entropy, .centre:
            // The window keeps its place within the room it has to move.
            let freeOnProbe = (x: probe.width - window.width, y: probe.height - window.height)
            let x = freeOnProbe.x > 0 ? Int((Double(left) * Double(free.x) / Double(freeOnProbe.x)).rounded()) : free.x / 2
            let y = freeOnProbe.y > 0 ? Int((Double(top) * Double(free.y) / Double(freeOnProbe.y)).rounded()) : free.y / 2
            return (min(free.x, max(0, x)), min(free.y, max(0, y)))
        }
    }

    /// An attention coordinate on the probe as the covering image would have reported it: the
    /// grid cell, recovered from the truncated probe coordinate, scaled to the covering image.
    static func point(_ coordinate: Int, across probe: Int, scaledTo covering: Int) -> Int {
        let grid = Double(attentionGrid)
        guard probe >= attentionGrid else {
            return Int(Double(coordinate) * Double(covering) / Double(probe))
        }
        let cell = (Double(coordinate) * grid / Double(probe) - 1e-9).rounded(.up)
        return Int(cell * Double(covering) / grid)
    }
}

extension RenditionRecipe.CropStrategy {
    var vipsInteresting: VipsInteresting {
        switch self {
        case .attention: return VIPS_INTERESTING_ATTENTION
        case .entropy: return VIPS_INTERESTING_ENTROPY
        case .centre: return VIPS_INTERESTING_CENTRE
        }
    }
}
