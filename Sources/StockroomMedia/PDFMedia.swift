import Foundation
internal import CVips
internal import CMediaShim

/// PDF and PDF-compatible Illustrator files: poppler for the information dictionary, page sizes,
/// fonts and text; libvips' PDF loader (poppler again) for the pages. An encrypted file that
/// needs a password is still described from what its bytes show in clear (see
/// `PDFStructureScan`) and gets "encrypted: no preview" instead of renditions.
enum PDFMedia {
    /// Pages rasterized at most at this resolution, whatever the recipe asks.
    static let maxDPI = 300.0
    static let maxEdge = 8192

    static func describe(path: String, configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> MediaDescription {
        let bytes = try FileBytes.map(path)
        let scan = PDFStructureScan.scan(bytes)
        var document = DocumentInfo()
        document.formatVersion = scan.version
        document.encrypted = scan.encrypted
        var isIllustrator = scan.isIllustrator
        var fonts: [String] = []
        var extract: TextExtract?

        switch PopplerDocument.open(path: path) {
        case .failure(.encrypted):
            document.encrypted = true
            document.contentReadable = false
            document.pageCount = scan.pageCount
            document.title = scan.xmp?.title
            document.author = scan.xmp?.creators.first
            document.subject = scan.xmp?.description
            document.keywords = scan.xmp?.keywords ?? []
            document.creatorTool = scan.xmpCreatorTool
        case let .failure(.damaged(reason)):
            throw .corrupt("PDF: \(reason)")
        case let .success(pdf):
            let pages = pdf.pageCount
            guard pages > 0 else { throw .corrupt("PDF without pages") }
            document.pageCount = pages
            document.title = pdf.title?.trimmedNonEmpty
            document.author = pdf.author?.trimmedNonEmpty
            document.subject = pdf.subject?.trimmedNonEmpty
            document.keywords = Self.keywords(pdf.keywords)
            document.creatorTool = pdf.creator?.trimmedNonEmpty ?? scan.xmpCreatorTool
            document.producer = pdf.producer?.trimmedNonEmpty
            document.createdAt = pdf.createdAt
            document.modifiedAt = pdf.modifiedAt
            if document.formatVersion == nil, let version = pdf.versionString { document.formatVersion = version.replacingOccurrences(of: "PDF-", with: "") }
            if let size = pdf.pageSize(0) {
                document.pageWidth = size.width
                document.pageHeight = size.height
            }
            if document.title == nil, let xmp = pdf.metadata.flatMap({ XMPPacketParser.parse(Data($0.utf8)) }) {
                document.title = xmp.title
                document.author = document.author ?? xmp.creators.first
            }
            isIllustrator = isIllustrator || (document.creatorTool?.contains("Illustrator") ?? false)
            try deadline.check()
            fonts = Self.fontFamilies(pdf.fontNames(scanningPages: min(pages, 50)))
            document.fonts = fonts

            var collector = TextCollector(limit: configuration.documentLimits.maxTextExtractBytes)
            let textPages = min(pages, configuration.documentLimits.maxTextPages)
            for index in 0..<textPages {
                try deadline.check()
                if let text = pdf.text(ofPage: index) { collector.add(paragraph: text) }
            }
            if textPages < pages { collector.markTruncated() }
            let statistics = collector.finishedStatistics
            document.wordCount = statistics.words
            document.characterCount = statistics.characters
            document.textTruncated = collector.truncated
            extract = collector.extract()
        }

        var description: MediaDescription
        if isIllustrator {
            description = MediaDescription(kind: .design, format: "ai", mimeType: "application/illustrator")
            var design = DesignInfo(width: Int((document.pageWidth ?? 0).rounded()), height: Int((document.pageHeight ?? 0).rounded()))
            design.application = document.creatorTool ?? "Adobe Illustrator"
            design.artboardCount = document.pageCount ?? 0
            design.fonts = fonts
            design.title = document.title
            description.design = design
        } else {
            description = MediaDescription(kind: .document, format: "pdf", mimeType: "application/pdf")
        }
        description.document = document
        description.textExtract = extract
        if let xmp = scan.xmp { description.xmp = xmp }
        return description
    }

    /// Page 1 for every recipe; recipes with `pages` > 1 get a sheet of the first pages.
    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let document = description.document
        if document?.contentReadable == false {
            return recipes.map { .failed(name: $0.name, reason: "encrypted: no preview") }
        }
        let pageCount = max(1, document?.pageCount ?? 1)
        guard let width = document?.pageWidth, let height = document?.pageHeight else {
            throw .corrupt("PDF: the first page has no size")
        }
        let first = try page(0, path: path, intrinsic: (width, height), recipes: recipes, configuration: configuration, deadline: deadline)
        var plan = RenditionPlan(base: first)
        let limits = configuration.documentLimits
        plan.special = { (recipe: RenditionRecipe) throws(MediaError) -> (key: String, source: VisualSource)? in
            let wanted = min(recipe.pages ?? 1, pageCount, limits.maxPreviewPages)
            guard wanted > 1 else { return nil }
            let box = RenditionGeometry.box(of: recipe)
            let sheet = try PageSheet.make(pages: wanted, box: box, pageSize: (width, height), deadline: deadline) { index, scale throws(MediaError) in
                try pageImage(index, path: path, scale: scale, configuration: configuration, deadline: deadline)
            }
            return ("sheet-\(wanted)-\(box.width)x\(box.height)", sheet)
        }
        return try plan.render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }

    private static func page(_ index: Int, path: String, intrinsic: (width: Double, height: Double), recipes: [RenditionRecipe],
                             configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> VisualSource {
        let scale = VectorScale.forRecipes(recipes, intrinsic: intrinsic, maxScale: maxDPI / 72,
                                           maxEdge: maxEdge, maxPixels: configuration.maxPixels)
        let image = try pageImage(index, path: path, scale: scale, configuration: configuration, deadline: deadline)
        return VisualSource(base: image, size: PixelSize(width: image.width, height: image.height))
    }

    /// One page on white, 8-bit sRGB, in memory.
    static func pageImage(_ index: Int, path: String, scale: Double, configuration: MediaEngineConfiguration,
                          deadline: Deadline) throws(MediaError) -> LibvipsImage {
        try deadline.check()
        let loaded = try LibvipsImage.make("cannot render page \(index + 1) of the PDF", as: MediaError.corrupt) {
            sr_vips_pdfload_page(path, Int32(index), scale, $0)
        }
        try PixelLimit.check(width: loaded.width, height: loaded.height, pages: 1, limit: configuration.maxPixels)
        var image = try ColourNormalisation.toSRGB8(loaded)
        if image.hasAlpha {
            // A page is paper: transparent areas are white in every output format.
            let transparent = image
            image = try LibvipsImage.make("flatten page") { sr_vips_flatten_on(transparent.pointer, $0, 255, 255, 255) }
            if image.bandFormat != VIPS_FORMAT_UCHAR {
                let flat = image
                image = try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(flat.pointer, $0) }
            }
        }
        return try image.inMemory(deadline: deadline) { .corrupt("cannot render page \(index + 1) of the PDF: \($0)") }
    }

    /// "ABCDEF+LinLibertineT" → "LinLibertineT"; duplicates removed, order kept.
    static func fontFamilies(_ names: [String]) -> [String] {
        var seen = Set<String>()
        var families: [String] = []
        for name in names {
            var family = Substring(name)
            if let plus = family.firstIndex(of: "+"), family.distance(from: family.startIndex, to: plus) == 6 {
                family = family[family.index(after: plus)...]
            }
            let cleaned = String(family).trimmingCharacters(in: .whitespaces)
            guard !cleaned.isEmpty, seen.insert(cleaned.lowercased()).inserted else { continue }
            families.append(cleaned)
        }
        return families
    }

    private static func keywords(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: { $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
