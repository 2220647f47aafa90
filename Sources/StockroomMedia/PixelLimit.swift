/// The decompression-bomb guard: declared width × height × pages against the configured limit,
/// checked on headers before any pixel is decoded.
enum PixelLimit {
    static func check(width: Int, height: Int, pages: Int, limit: Int) throws(MediaError) {
        let (area, areaOverflow) = width.multipliedReportingOverflow(by: height)
        let (total, totalOverflow) = area.multipliedReportingOverflow(by: max(pages, 1))
        if areaOverflow || totalOverflow || total > limit {
            throw .tooManyPixels(width: width, height: height, pages: max(pages, 1), limit: limit)
        }
    }
}
