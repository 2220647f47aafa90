import Foundation
internal import CVips
internal import CMediaShim

/// The first pages of a document laid out on one image, for a multi-page preview: up to three
/// in a row, four as 2 × 2, then rows of ⌈√n⌉, each page scaled into an equal cell on a light
/// grey ground, in reading order.
enum PageSheet {
    static func grid(pages: Int) -> (columns: Int, rows: Int) {
        let columns = pages <= 3 ? pages : Int(Double(pages).squareRoot().rounded(.up))
        return (columns, (pages + columns - 1) / columns)
    }

    /// `render(index, scale)` gives one page at `scale` × its size in points.
    static func make(pages: Int, box: PixelSize, pageSize: (width: Double, height: Double), deadline: Deadline,
                     render: (Int, Double) throws(MediaError) -> LibvipsImage) throws(MediaError) -> VisualSource {
        let (columns, rows) = grid(pages: pages)
        let aspect = pageSize.width / max(pageSize.height, 1e-3)
        // A gap of 1/40 of a cell between cells and around them.
        var cellWidth = Double(box.width) / (Double(columns) + Double(columns + 1) / 40)
        var cellHeight = cellWidth / aspect
        let fitHeight = Double(box.height) / (Double(rows) + Double(rows + 1) / 40)
        if cellHeight > fitHeight {
            cellHeight = fitHeight
            cellWidth = cellHeight * aspect
        }
        let gap = max(2, Int((cellWidth / 40).rounded()))
        let cell = PixelSize(width: max(1, Int(cellWidth)), height: max(1, Int(cellHeight)))
        let size = PixelSize(width: columns * cell.width + (columns + 1) * gap, height: rows * cell.height + (rows + 1) * gap)
        var sheet = try LibvipsImage.make("page sheet") {
            sr_vips_canvas($0, Int32(size.width), Int32(size.height), 228, 228, 228)
        }
        for index in 0..<pages {
            try deadline.check()
            let scale = min(Double(cell.width) / pageSize.width, Double(cell.height) / pageSize.height)
            var page = try render(index, scale)
            if page.width > cell.width || page.height > cell.height {
                // A later page larger than the first: fit it into the cell.
                let large = page
                page = try LibvipsImage.make("fit page") {
                    sr_vips_thumbnail_image(large.pointer, $0, Int32(cell.width), Int32(cell.height), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN)
                }
            }
            let column = index % columns
            let row = index / columns
            let x = gap + column * (cell.width + gap) + (cell.width - page.width) / 2
            let y = gap + row * (cell.height + gap) + (cell.height - page.height) / 2
            let background = sheet
            let placed = page
            sheet = try LibvipsImage.make("place page \(index + 1)") {
                sr_vips_insert(background.pointer, placed.pointer, $0, Int32(x), Int32(y))
            }
        }
        let base = try sheet.inMemory(deadline: deadline) { .vips("cannot lay out the pages: \($0)") }
        return VisualSource(base: base, size: size)
    }
}
